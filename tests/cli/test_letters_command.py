"""``clinic-desktop letters export --signed-unsent DIR``, as a scheduled job runs it."""
from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.cli import main
from clinic_desktop.models import Referral
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals

PASSWORD = "correct horse battery"
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def clinic_file(sqlite_staff, sqlite_database):
    """A clinic with two signed, unsent letters (SMITH and 王芳) and one already sent."""
    staff = sqlite_staff
    signed = []
    with frozen_at(NOW):
        for family, given, nhs in (("Smith", "Ann", "9434765919"), ("Wang", "王芳", "4010232137"),
                                   ("Sent", "Sam", "9990001006")):
            patient = patients.register_patient(staff.receptionist, family_name=family, given_name=given,
                                                date_of_birth=date(1961, 2, 9), nhs_number=nhs)
            episode = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 3, 3),
                                            presentation="non_specific", severity="mild")
            raised = referrals.raise_referral(staff.clinician, episode.episode_id, kind="spinal_surgical",
                                              reason="not improved")
            referrals.draft_referral(staff.clinician, raised.id, "Please see.")
            signed.append(referrals.sign_referral(staff.clinician, raised.id, PASSWORD).id)
        referrals.mark_referral_sent(staff.receptionist, signed.pop())
    return sqlite_database.database, signed


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_export_writes_each_signed_unsent_letter_and_says_how_many(clinic_file, out, capsys):
    path, signed = clinic_file
    assert main(["--database", path, "letters", "export", "--signed-unsent", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 letters to {out}; none was marked as sent."
    assert sorted(file.name for file in out.iterdir()) == sorted(
        [f"SMITH-Ann_referral-{signed[0]}_v1.pdf", f"WANG-王芳_referral-{signed[1]}_v1.pdf"])
    assert all(file.read_bytes().startswith(b"%PDF-") for file in out.iterdir())


def test_export_does_not_mark_the_letters_sent(clinic_file, out, capsys):
    path, signed = clinic_file
    main(["--database", path, "letters", "export", "--signed-unsent", str(out)])
    assert {Referral.get_by_id(referral_id).status for referral_id in signed} == {"signed"}


def test_exporting_again_writes_the_same_files(clinic_file, out, capsys):
    path, _ = clinic_file
    main(["--database", path, "letters", "export", "--signed-unsent", str(out)])
    first = {file.name: file.read_bytes() for file in out.iterdir()}
    main(["--database", path, "letters", "export", "--signed-unsent", str(out)])
    assert {file.name: file.read_bytes() for file in out.iterdir()} == first


def test_a_missing_folder_is_refused_in_one_line(clinic_file, tmp_path, capsys):
    path, _ = clinic_file
    missing = tmp_path / "no-such-folder"
    assert main(["--database", path, "letters", "export", "--signed-unsent", str(missing)]) == 2
    assert capsys.readouterr().err == f"clinic-desktop: --signed-unsent: there is no folder {missing}\n"
    assert not missing.exists()


def test_a_file_in_place_of_the_folder_is_refused_in_one_line(clinic_file, tmp_path, capsys):
    path, _ = clinic_file
    assert main(["--database", path, "letters", "export", "--signed-unsent", path]) == 2
    assert capsys.readouterr().err == f"clinic-desktop: --signed-unsent: {path} is not a folder\n"


def test_a_folder_that_cannot_be_written_is_refused_in_one_line(clinic_file, out, capsys):
    path, _ = clinic_file
    if os.geteuid() == 0:
        folder = "/sys"  # root may write anywhere but here
    else:
        out.chmod(0o555)
        folder = str(out)
    assert main(["--database", path, "letters", "export", "--signed-unsent", folder]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"clinic-desktop: --signed-unsent: cannot write into {folder} (")
    assert err.count("\n") == 1


def test_the_folder_is_required(clinic_file, capsys):
    path, _ = clinic_file
    assert main(["--database", path, "letters", "export"]) == 2
    err = capsys.readouterr().err
    assert "--signed-unsent" in err and err.count("\n") == 1


def test_help_says_the_letters_are_not_marked_sent(capsys):
    with pytest.raises(SystemExit):
        main(["letters", "export", "--help"])
    assert "NOT marked as sent" in " ".join(capsys.readouterr().out.split())


def test_an_empty_clinic_exports_nothing(sqlite_staff, sqlite_database, out, capsys):
    assert main(["--database", sqlite_database.database, "letters", "export", "--signed-unsent", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 0 letters to {out}; none was marked as sent."
    assert list(out.iterdir()) == []


# --- letters verify [FILE], letters certificate --------------------------------------------


def tamper(referral_id: int) -> None:
    """As someone with the file would: lift the write-once guard, change the PDF, recompute its hash."""
    from clinic_desktop.models import LetterVersion, database_proxy

    row = LetterVersion.get(LetterVersion.referral == referral_id)
    pdf = bytes(row.pdf).replace(b"(Referral letter: Spinal surgical)", b"(Referral letter: Spinal surgicaL)")
    database_proxy.execute_sql("DROP TRIGGER IF EXISTS letter_version_write_once_update")
    LetterVersion.update(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()).where(LetterVersion.id == row.id).execute()


def test_verify_checks_every_stored_letter_and_says_so(clinic_file, capsys):
    path, _ = clinic_file
    assert main(["--database", path, "letters", "verify"]) == 0
    assert capsys.readouterr().out.strip() == "Letters intact: 3 signed letter versions checked"


def test_verify_names_a_changed_letter_and_exits_1_as_does_audit_verify(clinic_file, capsys):
    path, signed = clinic_file
    tamper(signed[0])
    assert main(["--database", path, "letters", "verify"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"Referral {signed[0]}, letter version 1 (SMITH, Ann): This letter's PDF was changed after "
                   "Dr Alys Jones signed it.", "Letters failing their check: 1 of 3 signed letter versions"]
    assert main(["--database", path, "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Audit trail intact") and "This letter's PDF was changed after Dr Alys Jones" in out


def test_verify_file_says_which_stored_letter_a_file_is(clinic_file, out, capsys):
    path, signed = clinic_file
    main(["--database", path, "letters", "export", "--signed-unsent", str(out)])
    capsys.readouterr()
    letter = out / f"SMITH-Ann_referral-{signed[0]}_v1.pdf"
    assert main(["--database", path, "letters", "verify", str(letter)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"Valid: signed by Dr Alys Jones with a clinic certificate; it is version 1 of referral {signed[0]} for "
        "SMITH, Ann (NHS 943 476 5919), exactly as stored.")
    letter.write_bytes(letter.read_bytes() + b"\n% added later\n")
    assert main(["--database", path, "letters", "verify", str(letter)]) == 1
    assert "This letter's PDF was changed after Dr Alys Jones signed it" in capsys.readouterr().out


def test_verify_file_refuses_what_is_not_a_signed_pdf_in_one_line(clinic_file, tmp_path, capsys):
    path, _ = clinic_file
    note = tmp_path / "note.pdf"
    note.write_bytes(b"not a pdf at all")
    assert main(["--database", path, "letters", "verify", str(note)]) == 1
    assert capsys.readouterr().out.strip() == "This file is not a PDF that can be read."
    assert main(["--database", path, "letters", "verify", str(tmp_path / "missing.pdf")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_certificate_writes_the_clinics_authority_for_recipients(clinic_file, tmp_path, capsys):
    from cryptography import x509

    path, _ = clinic_file
    target = tmp_path / "clinic.pem"
    assert main(["--database", path, "letters", "certificate", str(target)]) == 0
    certificate = x509.load_pem_x509_certificate(target.read_bytes())
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert "give it to recipients" in capsys.readouterr().out
