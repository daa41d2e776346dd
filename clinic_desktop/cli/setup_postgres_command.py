"""``clinic-desktop setup-postgres``: make a clinic's PostgreSQL server enforce the staff roles.

Run by whoever administers the server with a superuser's URL (``--database postgresql://postgres@host/clinic``),
once and after each upgrade of the app; it says what it did, and prints each new login's one-time password
once, for the practice manager to hand over in person.
"""
from __future__ import annotations

from clinic_desktop.services.admin.server_setup import set_up_server


def register(commands) -> None:
    parser = commands.add_parser(
        "setup-postgres",
        help="create or upgrade the schema and the server's owner, group and staff login roles (superuser URL)")
    parser.set_defaults(run=run_setup)


def run_setup(arguments) -> int:
    setup = set_up_server(arguments.database)
    for line in setup.done:
        print(f"- {line}")
    if setup.new_logins:
        print("New staff logins and their one-time passwords (hand each over in person; the practice manager "
              "sets a new one with Administration → Reset password):")
        width = max(len(username) for username in setup.new_logins)
        for username, password in sorted(setup.new_logins.items()):
            print(f"  {username.ljust(width)}  {password}")
    print(f"The server now enforces the staff roles ({setup.seconds:.1f} s). Workstations connect with "
          "postgresql://HOST:PORT/DBNAME and no user name: each person signs in as themselves.")
    return 0
