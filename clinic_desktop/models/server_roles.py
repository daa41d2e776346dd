"""The PostgreSQL roles that make the server, not only the app, enforce who may do what.

One clinic database has an owner role that owns every table and that no workstation signs in as,
three group roles (receptionist, clinician, practice manager) holding the grants of
server_privileges.TABLE_PRIVILEGES, and one login role per staff account, a member of its role's
group. The names carry the database's name, so two clinics can share a server, and a login is
``<database>.<username>`` while a group is ``<database>:<role>``: no staff username can name a group,
the owner or a role the server already had (``postgres``).

Accounts change in the app, by a practice manager who holds no right to create roles. The one
function ``clinic_sync_login`` does it for them: owned by the owner (SECURITY DEFINER), executable
by the manager group only, it makes the login of a username agree with that username's row in the
user table (its role's group, LOGIN or NOLOGIN, a new password when given), so it can only ever
grant one of the three groups, and only to someone the app lists as staff.
"""
from __future__ import annotations

from peewee import Database

from clinic_desktop.models.server_privileges import SECRET_COLUMNS, STAFF_ROLES, TABLE_PRIVILEGES

SYNC_FUNCTION = "clinic_sync_login"
MAX_ROLE_NAME = 63  # PostgreSQL's NAMEDATALEN - 1


def owner_role(database_name: str) -> str:
    return f"{database_name}:owner"


def group_role(database_name: str, role: str) -> str:
    return f"{database_name}:{role}"


def login_role(database_name: str, username: str) -> str:
    return f"{database_name}.{username}"


def quoted(name: str) -> str:
    """An identifier quoted for SQL (role names hold ':' and '.')."""
    return '"' + name.replace('"', '""') + '"'


def role_exists(database: Database, name: str) -> bool:
    return bool(database.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone())


def roles_installed(database: Database) -> bool:
    """Whether setup-postgres has run on this database (its account function is there)."""
    row = database.execute_sql("SELECT to_regprocedure(%s)", (f"{SYNC_FUNCTION}(text,text)",)).fetchone()
    return row[0] is not None


def is_superuser(database: Database) -> bool:
    return database.execute_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]


def create_roles(database: Database, name: str) -> list[str]:
    """The owner and the three groups, each made when missing; what was made, in words."""
    made = []
    wanted = [(owner_role(name), "NOLOGIN CREATEROLE", "the owner role")]
    wanted += [(group_role(name, role), "NOLOGIN", f"the {role.replace('_', ' ')} group role")
               for role in STAFF_ROLES]
    for role, options, what in wanted:
        if not role_exists(database, role):
            database.execute_sql(f"CREATE ROLE {quoted(role)} {options}")
            made.append(f"created {what} {role}")
    owner = quoted(owner_role(name))
    database.execute_sql(f"ALTER ROLE {owner} NOLOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOBYPASSRLS")
    for role in STAFF_ROLES:
        # PostgreSQL 16 lets a CREATEROLE role grant only roles it holds with ADMIN OPTION.
        database.execute_sql(f"GRANT {quoted(group_role(name, role))} TO {owner} WITH ADMIN OPTION")
    return made


def hand_to_owner(database: Database, name: str) -> int:
    """Every table, sequence and function of the clinic's schema becomes the owner's; how many moved."""
    owner = owner_role(name)
    rows = database.execute_sql(
        "SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, quote_ident(c.relname) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') AND r.rolname <> %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))",
        (owner,)).fetchall()
    functions = database.execute_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "JOIN pg_roles r ON r.oid = p.proowner WHERE n.nspname = 'public' AND r.rolname <> %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
        (owner,)).fetchall()
    for kind, table in rows:
        database.execute_sql(f"ALTER {kind} public.{table} OWNER TO {quoted(owner)}")
    for (function,) in functions:
        database.execute_sql(f"ALTER FUNCTION {function} OWNER TO {quoted(owner)}")
    return len(rows) + len(functions)


def grant_privileges(database: Database, name: str) -> int:
    """Exactly the table's grants, nothing left from before; how many grants were given."""
    groups = [quoted(group_role(name, role)) for role in STAFF_ROLES]
    everyone = ", ".join(groups)
    statements = [
        f"REVOKE ALL ON DATABASE {quoted(name)} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {quoted(name)} TO {everyone}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {everyone}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {everyone}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {everyone}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, {everyone}",
        # nextval() for the ids of the rows each may insert; the values are no secret
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}",
    ]
    given = 0
    for table, by_role in TABLE_PRIVILEGES.items():
        columns = _readable_columns(database, table)
        for role, privileges in by_role.items():
            group = quoted(group_role(name, role))
            for privilege in privileges:
                on = f"({columns}) ON public.{quoted(table)}" if privilege == "SELECT" and table in SECRET_COLUMNS \
                    else f"ON public.{quoted(table)}"
                statements.append(f"GRANT {privilege} {on} TO {group}")
                given += 1
    for statement in statements:
        database.execute_sql(statement)
    return given


def _readable_columns(database: Database, table: str) -> str:
    secret = set(SECRET_COLUMNS.get(table, ()))
    columns = [column.name for column in database.get_columns(table) if column.name not in secret]
    return ", ".join(quoted(column) for column in columns)


def install_sync_function(database: Database, name: str) -> None:
    """``clinic_sync_login(username, new_password)``: the only way a manager changes server roles."""
    groups = {role: group_role(name, role) for role in STAFF_ROLES}
    cases = " ".join(f"WHEN {_literal(role)} THEN {_literal(group)}" for role, group in groups.items())
    every_group = ", ".join(_literal(group) for group in groups.values())
    # % is the driver's placeholder mark: the body's own (RAISE, format) are doubled.
    database.execute_sql(f"""
CREATE OR REPLACE FUNCTION public.{SYNC_FUNCTION}(staff_username text, new_password text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
    login text := {_literal(name + '.')} || staff_username;
    staff_role text;
    staff_active boolean;
    wanted text;
    other text;
BEGIN
    SELECT u.role, u.active INTO staff_role, staff_active FROM public."user" u WHERE u.username = staff_username;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no staff account %', staff_username;
    END IF;
    wanted := CASE staff_role {cases} END;
    IF wanted IS NULL THEN
        RAISE EXCEPTION 'the account % has no staff role', staff_username;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = login) THEN
        IF NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                       JOIN pg_roles r ON r.oid = m.member
                       WHERE r.rolname = login AND g.rolname IN ({every_group})) THEN
            RAISE EXCEPTION 'the server role % exists and is not a staff login of this clinic', login;
        END IF;
    ELSE
        EXECUTE format('CREATE ROLE %I NOLOGIN', login);
    END IF;
    FOREACH other IN ARRAY ARRAY[{every_group}] LOOP
        IF other <> wanted THEN
            EXECUTE format('REVOKE %I FROM %I', other, login);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', wanted, login);
    EXECUTE format('ALTER ROLE %I %s', login, CASE WHEN staff_active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    IF new_password IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', login, new_password);
    END IF;
END
$body$""".replace("%", "%%"))
    function = f"public.{SYNC_FUNCTION}(text, text)"
    database.execute_sql(f"ALTER FUNCTION {function} OWNER TO {quoted(owner_role(name))}")
    database.execute_sql(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    database.execute_sql(f"GRANT EXECUTE ON FUNCTION {function} TO {quoted(groups['practice_manager'])}")


def sync_login(database: Database, username: str, new_password: str | None = None) -> None:
    """Make ``username``'s server login agree with their account (in the caller's transaction)."""
    database.execute_sql(f"SELECT public.{SYNC_FUNCTION}(%s, %s)", (username, new_password))


def login_exists(database: Database, username: str) -> bool:
    return role_exists(database, login_role(database.database, username))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
