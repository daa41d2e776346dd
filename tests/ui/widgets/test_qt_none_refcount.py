"""Guard against the PySide6 6.12.0 refcount-of-None bug.

With PySide6 6.12.0 on Python 3.11, each time a Python item model's ``data()``
returns None through Qt's C++ side, the reference count of ``None`` drops by
one. A big table drives it to zero and the interpreter aborts with
"Fatal Python error: none_dealloc". (Python >= 3.12 makes None immortal.)
pyproject.toml therefore pins PySide6 < 6.12 on Python < 3.12.

The check runs in a child process, because the failure mode is an abort.
This file is also the child: ``python tests/ui/widgets/test_qt_none_refcount.py``
runs the stress loop and prints one JSON line, so it can be tried against any
PySide6 (e.g. in a scratch venv) without pytest.
"""

import json
import os
import signal
import subprocess
import sys

ROWS, COLS = 200, 20
PASSES = 5  # 5 passes x 4,000 cells x 13 roles = 260,000 data() calls via C++
GRABS_PER_PASS = 1
MAX_NONE_REFCOUNT_DROP = 1_000
MIN_CALLS = 200_000


def _child() -> None:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    class NoneModel(QAbstractTableModel):
        """Every cell and header answers None for every role."""

        def rowCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else ROWS

        def columnCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else COLS

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return None

        def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
            return None

    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.StatusTipRole,
        Qt.ItemDataRole.WhatsThisRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.SizeHintRole,
        Qt.ItemDataRole.UserRole,
    ]

    app = QApplication([])
    model = NoneModel()
    view = QTableView()
    view.setModel(model)
    view.resize(1600, 1000)
    view.show()
    app.processEvents()

    before = sys.getrefcount(None)
    print(f"PySide6 {pyside_version}: refcount(None) before = {before}", file=sys.stderr, flush=True)
    calls = 0
    non_none = 0
    for n in range(PASSES):
        for row in range(ROWS):
            for col in range(COLS):
                # QModelIndex.data() is C++: it calls the model's virtual
                # data(), i.e. our Python override, and converts the result.
                index = model.index(row, col)
                for role in roles:
                    if index.data(role) is not None:
                        non_none += 1
                    calls += 1
        for _ in range(GRABS_PER_PASS):
            view.grab()  # a full repaint: the delegate asks data() for every visible cell
        app.processEvents()
        print(
            f"pass {n + 1}/{PASSES}: {calls} calls, refcount(None) = {sys.getrefcount(None)}",
            file=sys.stderr,
            flush=True,
        )
    del index
    after = sys.getrefcount(None)
    view.close()
    print(
        json.dumps(
            {
                "pyside6": pyside_version,
                "python": sys.version.split()[0],
                "calls": calls,
                "non_none": non_none,
                "before": before,
                "after": after,
            }
        ),
        flush=True,
    )


def _describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def test_none_returned_from_model_data_keeps_none_refcount():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = f"--- stdout ---\n{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, (
        f"child Qt process failed ({_describe(proc.returncode)}); an abort with "
        f"'none_dealloc' means the PySide6 refcount-of-None bug (6.12.0):\n{output}"
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["calls"] >= MIN_CALLS, output
    assert result["non_none"] == 0, output
    drop = result["before"] - result["after"]
    assert drop <= MAX_NONE_REFCOUNT_DROP, (
        f"refcount of None dropped by {drop} over {result['calls']} model data() calls "
        f"(PySide6 {result['pyside6']}, Python {result['python']}): the PySide6 "
        f"refcount-of-None bug; a bigger table would abort with 'none_dealloc'.\n{output}"
    )


if __name__ == "__main__":
    _child()
