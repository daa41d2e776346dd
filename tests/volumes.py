"""Real full and read-only volumes for tests of what a user sees when the disk lets them down.

A full disk is a small tmpfs filled to the last byte; a read-only folder is a read-only bind
mount of it (root ignores file permissions, so chmod alone proves nothing when the tests run
as root) or, for an ordinary user, the file and folder made read-only with chmod. Mounting
needs root with CAP_SYS_ADMIN: where that is missing (a CI container) the full-disk tests
are skipped and say why, and the read-only ones use chmod.
"""
from __future__ import annotations

import os
import stat
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*arguments: str) -> bool:
    return subprocess.run(["mount", *arguments], capture_output=True).returncode == 0


@contextmanager
def small_volume(folder: Path, size: str = "4m"):
    """A tmpfs of ``size`` mounted on ``folder`` (made), unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("a small filesystem cannot be mounted here (needs root with CAP_SYS_ADMIN)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Write a file until the volume holding ``folder`` is full; delete it to free the space."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(descriptor)
    return filler


@contextmanager
def read_only(folder: Path):
    """``folder`` and every file in it read-only for the duration, then writable again."""
    if os.geteuid() == 0:
        if not (_mount("--bind", str(folder), str(folder))
                and _mount("-o", "remount,bind,ro", str(folder), str(folder))):
            pytest.skip("a read-only bind mount cannot be made here, and root ignores chmod")
        try:
            yield folder
        finally:
            subprocess.run(["umount", "--lazy", str(folder)], check=True)
        return
    modes = {path: path.stat().st_mode for path in (folder, *folder.iterdir())}
    writable = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    for path, mode in modes.items():
        path.chmod(mode & ~writable)
    try:
        yield folder
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
