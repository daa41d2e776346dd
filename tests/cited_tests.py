"""The test functions a document may cite, so the safety documents cannot claim evidence that is gone.

The hazard log (test_hazard_log.py) and the source coverage table (test_source_coverage.py)
both name tests as ``tests/<path>.py::<name>``; both look the names up here. Test functions
are found with ``ast`` (module level, or ``Class::method``), so a name in a comment or a
string does not count.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@cache
def functions_in(path: str) -> frozenset[str]:
    """``name`` and ``Class::name`` of every test function in a test file."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names.update(f"{node.name}::{item.name}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"))
    return frozenset(names)


def missing_test(path: str, name: str) -> str | None:
    """Why ``path::name`` (or the file alone, when ``name`` is empty) is not a test; None when it is."""
    if not (ROOT / path).is_file():
        return f"{path} (no such file)"
    if name and name not in functions_in(path):
        return f"{path}::{name}"
    return None
