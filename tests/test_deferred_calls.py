"""No deferred call outlives the widget it reaches.

``QTimer.singleShot(ms, callable)`` runs ``callable`` whenever the timer fires, even after the
widget it belongs to was deleted (signing out while the home tab was about to read its lists raised
"Internal C++ object (WorklistsPanel) already deleted", issue 19). With a context object,
``QTimer.singleShot(ms, context, callable)``, Qt drops the call if the context goes first, so every
deferred call in the app names the object it is for. (A background op's outcome is dropped with its
widget by ``Op`` itself: ui/ops/op.py.)
"""
from __future__ import annotations

import ast
from pathlib import Path

import clinic_desktop

PACKAGE = Path(clinic_desktop.__file__).parent


def bare_single_shots(source: str) -> list[int]:
    """The lines of ``singleShot`` calls given no context object (fewer than three arguments)."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "singleShot" and len(node.args) + len(node.keywords) < 3]


def test_every_single_shot_names_the_object_it_is_for():
    bare = [f"{path.relative_to(PACKAGE)}:{line}" for path in sorted(PACKAGE.rglob("*.py"))
            for line in bare_single_shots(path.read_text(encoding="utf-8"))]
    assert bare == []


def test_a_single_shot_without_its_object_is_found():
    source = ("QTimer.singleShot(0, self._start_recount)\n"
              "QTimer.singleShot(0, self, self._start_recount)\n"
              "QTimer.singleShot(300, lambda: panel.reload())\n")
    assert bare_single_shots(source) == [1, 3]
