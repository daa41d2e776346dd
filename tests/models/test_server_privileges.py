"""The one table the server's grants come from covers every table, and keeps the rules it states."""
import ast

from cited_tests import ROOT

from clinic_desktop.models import ALL_MODELS, User
from clinic_desktop.models.server_privileges import SECRET_COLUMNS, STAFF_ROLES, TABLE_PRIVILEGES

CLINICAL = ("patient", "episode", "appointment", "referral", "medication", "radicular_status", "red_flag_record",
            "start_back_assessment", "twelve_week_outcome", "initial_management", "improvement_measure",
            "management_plan", "imaging_request", "pathway_warning", "waiting_list_entry", "letter_version",
            "audit_event", "referral_recipient", "reminder")


def test_every_table_has_a_row_for_every_staff_role():
    tables = {model._meta.table_name for model in ALL_MODELS}
    assert set(TABLE_PRIVILEGES) == tables
    for table, by_role in TABLE_PRIVILEGES.items():
        assert set(by_role) == set(STAFF_ROLES), table
        assert all("SELECT" in privileges for privileges in by_role.values()), table


def test_no_role_deletes_a_clinical_row():
    for table in CLINICAL:
        for role, privileges in TABLE_PRIVILEGES[table].items():
            assert "DELETE" not in privileges, (table, role)


def test_audit_events_and_signed_letters_are_only_ever_added():
    for table in ("audit_event", "letter_version"):
        for privileges in TABLE_PRIVILEGES[table].values():
            assert set(privileges) <= {"SELECT", "INSERT"}


def test_secret_columns_are_real_columns_and_left_out_of_a_whole_row_read(sqlite_database):
    for table, columns in SECRET_COLUMNS.items():
        model = next(model for model in ALL_MODELS if model._meta.table_name == table)
        assert set(columns) <= set(model._meta.fields)
    sql, _ = User.select().sql()
    assert "password_hash" not in sql
    assert "password_hash" in User.select(User.password_hash).sql()[0]


def test_no_query_reads_whole_staff_rows_with_their_password_hash():
    """``select(X, User)`` or of a ``User.alias()`` asks for every column, the hash too, which no staff login
    may read on a server that enforces the roles: a query names ``*User.readable()`` instead."""
    offenders = []
    for path in sorted((ROOT / "clinic_desktop").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        staff_tables = {"User"} | {getattr(target, "id", None) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                                   for target, value in _pairs(node) if _is_user_alias(value)}
        offenders += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                      if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "select"
                      and any(isinstance(arg, ast.Name) and arg.id in staff_tables for arg in node.args)]
    assert offenders == []


def _pairs(node: ast.Assign):
    for target in node.targets:
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            yield from zip(target.elts, node.value.elts)
        yield target, node.value


def _is_user_alias(value) -> bool:
    return (isinstance(value, ast.Call) and getattr(value.func, "attr", "") == "alias"
            and getattr(value.func.value, "id", "") == "User")
