"""A clinic on a PostgreSQL server that enforces the staff roles (setup-postgres has run on it).

Its server asks every TCP login for its password (conftest.py ``password_postgres``), as a clinic's
does; each test gets a database of its own, so its roles (named after the database) are its own too.
The staff are made as a first installation would make them: by the administrator's superuser login,
after setup-postgres, so each login has the password of its account.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg2
import pytest
from database_fixtures import PASSWORD, Staff, background_work_settled, make_staff, open_test_database

from clinic_desktop.models import bind_database, make_database
from clinic_desktop.models.server_roles import login_role
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.server_setup import set_up_server

_numbers = itertools.count(1)


@dataclass
class EnforcingClinic:
    name: str
    admin_url: str  # the superuser's, as the administrator runs setup-postgres with
    staff_url: str  # what a workstation holds: host, port and database, no user
    host: str
    port: int
    staff: Staff

    def connect_as(self, username: str, password: str = PASSWORD):
        """A psql-level connection as a staff member's own login (autocommit, as psql)."""
        connection = psycopg2.connect(host=self.host, port=self.port, dbname=self.name, connect_timeout=10,
                                      user=login_role(self.name, username), password=password)
        connection.autocommit = True
        return connection

    def sign_in(self, username: str, password: str = PASSWORD):
        """Sign in through the app: from here on the app's connection is this person's login."""
        return users.authenticate(username, password)


@pytest.fixture
def enforcing_clinic(password_postgres) -> EnforcingClinic:
    name = f"roles_{os.getpid()}_{next(_numbers)}"
    admin_url = password_postgres.create_database(name)
    set_up_server(admin_url)
    database = open_test_database(admin_url)
    staff = make_staff()
    database.close()
    host, port = urlsplit(admin_url).hostname, urlsplit(admin_url).port or 5432
    staff_url = f"postgresql://{host}:{port}/{name}"
    database = make_database(staff_url, staff_sign_in=True)
    bind_database(database)
    yield EnforcingClinic(name, admin_url, staff_url, host, port, staff)
    background_work_settled()
    database.close()
