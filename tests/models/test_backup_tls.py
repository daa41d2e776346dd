"""pg_dump and pg_restore, run or shown by the app, check the server as the app does (issue 19, TLS).

A database address with sslmode=verify-full and sslrootcert makes the app verify the server's
certificate; the backup tools it runs must too, not fall back to libpq's unverified default. The
session's server offers no encryption: asked to require it, pg_dump refuses, which shows the
setting reached it; with encryption switched off in the address the same command makes a backup.
"""
from __future__ import annotations

import subprocess

import pytest

from clinic_desktop.models import backup_files as files
from clinic_desktop.models.database import make_database

pytestmark = pytest.mark.skipif(files.pg_tool("pg_dump") is None, reason="pg_dump is not installed")


def _dump(url: str, target) -> subprocess.CompletedProcess:
    database = make_database(url)
    command = files.pg_dump_command(database.database, database.connect_params, target)
    command[0] = files.pg_tool("pg_dump")
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_backup_tools_are_given_the_addresses_encryption_settings(postgres_url, tmp_path):
    database = make_database(f"{postgres_url}?sslmode=verify-full&sslrootcert=/etc/clinic certs/root.crt")
    for command in (files.pg_dump_command(database.database, database.connect_params, tmp_path / "x.pgdump"),
                    files.pg_restore_command(database.database, database.connect_params, tmp_path / "x.pgdump")):
        assert "--dbname=dbname=clinic_test sslmode=verify-full sslrootcert='/etc/clinic certs/root.crt'" in command


def test_pg_dump_requires_the_encryption_the_address_requires(postgres_url, tmp_path):
    refused = _dump(f"{postgres_url}?sslmode=require", tmp_path / "refused.pgdump")
    assert refused.returncode != 0 and "server does not support SSL" in refused.stderr
    made = _dump(f"{postgres_url}?sslmode=disable", tmp_path / "made.pgdump")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "made.pgdump").stat().st_size > 0
