"""``clinic-desktop`` and ``python -m clinic_desktop``: the window, or a command."""
from __future__ import annotations

import sys

from clinic_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
