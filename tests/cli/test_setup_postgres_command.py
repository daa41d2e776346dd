"""``clinic-desktop setup-postgres`` says what it did, hands out new logins' passwords once, and
refuses in one sentence what it cannot set up."""
from __future__ import annotations

import psycopg2

from clinic_desktop.cli import main


def test_setup_postgres_says_what_it_did_and_can_run_again(password_postgres, capsys):
    url = password_postgres.create_database("setup_command")
    assert main(["--database", url, "setup-postgres"]) == 0
    first = capsys.readouterr().out
    assert "- created the owner role setup_command:owner" in first
    assert "- created the clinic's tables" in first
    assert "The server now enforces the staff roles" in first
    assert main(["--database", url, "setup-postgres"]) == 0
    again = capsys.readouterr().out
    assert "created" not in again
    assert "gave the three group roles their" in again


def test_setup_postgres_refuses_an_sqlite_file_in_one_sentence(tmp_path, capsys):
    assert main(["--database", str(tmp_path / "clinic.sqlite3"), "setup-postgres"]) == 2
    error = capsys.readouterr().err
    assert error.strip() == ("clinic-desktop: setup-postgres is for a PostgreSQL server; an SQLite file has one "
                             "login (the README says what protects it)")
    assert not (tmp_path / "clinic.sqlite3").exists()


def test_setup_postgres_refuses_a_login_that_is_not_a_superuser(enforcing_clinic, capsys):
    url = enforcing_clinic.staff_url.replace("://", f"://{enforcing_clinic.name}.manager:correct%20horse%20battery@")
    assert main(["--database", url, "setup-postgres"]) == 2
    error = capsys.readouterr().err
    assert "setup-postgres needs a superuser's login to create roles" in error
    assert "correct" not in error


def test_a_command_with_a_staff_login_leaves_an_older_schema_to_setup_postgres(enforcing_clinic, capsys):
    admin = psycopg2.connect(enforcing_clinic.admin_url)
    with admin, admin.cursor() as cursor:
        cursor.execute("UPDATE schema_version SET version = version - 1")
    admin.close()
    url = enforcing_clinic.staff_url.replace("://", f"://{enforcing_clinic.name}.manager:correct%20horse%20battery@")
    assert main(["--database", url, "worklist", "overdue"]) == 2
    assert "upgrades it with 'clinic-desktop setup-postgres'; nothing was changed" in capsys.readouterr().err
