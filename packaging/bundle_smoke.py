"""The bundle's smoke test (`make bundle-test`): what a clinic PC does with a fresh install.

Only a bundle shows what it failed to collect, so this runs the built folder the way a
clinic runs it: copied away from the source tree, with nothing of the build machine's
environment (``env -i``, PATH=/usr/bin:/bin, a new empty HOME, no virtualenv, no locale),
through every command a first week needs: the demo clinic, every ``--screenshot`` view,
letters export, FHIR export, audit verify, a backup, and the real window on an X display
(signed in with the mouse and keyboard, kept up, photographed, quit with Ctrl+Q). Then an
update: the folder replaced by a fresh copy keeps the clinic, and a schema-7 database made
the way the schema tests make one is upgraded on opening, after its backup copy. Throughout,
the bundle's folder must stay byte-for-byte as installed: its data, settings and logs go
where platformdirs puts them (docs/deployment/bundle.md).

It runs under the project's virtualenv (for reading what the bundle wrote: pypdf, sqlite3,
the schema tests' schema-7 models), never the bundle under it. Not part of `make test`:
it needs a built bundle, Xvfb and xdotool.

    python packaging/bundle_smoke.py dist/clinic-desktop [--pictures DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "models")]

from clinic_desktop import __version__  # noqa: E402
from clinic_desktop.cli.window_command import SCREENSHOT_VIEWS  # noqa: E402 (no Qt: the views' names only)

PROGRAM = "clinic-desktop"
SCREEN = "1366x768"
DEMO_MANAGER = ("manager", "demo-manager-2026")  # README: the demo clinic's accounts
WINDOW_UP_SECONDS = 5


class SmokeFailure(Exception):
    """One step went wrong: the sentence says which and what was seen."""


class Install:
    """The bundle installed in a folder of its own, and a clinic PC's clean environment to run it in.

    Linux gets the .tar.gz unpacked (what a clinic is given); elsewhere the built folder is copied.
    """

    def __init__(self, bundle: Path, place: Path):
        self.bundle = bundle
        self.place = place
        self.home = place / "home"
        self.work = place / "work"  # the current folder of every run: whatever lands here is a bug too
        self.home.mkdir()
        self.work.mkdir()
        self.install()

    def install(self) -> None:
        """A fresh copy of the bundle, as an installer or an update leaves it: the old folder replaced."""
        installed = self.place / "installed"
        shutil.rmtree(installed, ignore_errors=True)
        if self.bundle.name.endswith(".tar.gz"):
            with tarfile.open(self.bundle) as archive:
                archive.extractall(installed, filter="tar")
            self.folder = installed / PROGRAM
        else:
            self.folder = installed / self.bundle.name
            shutil.copytree(self.bundle, self.folder, symlinks=True)
        self.fingerprint = fingerprint(self.folder)

    @property
    def program(self) -> Path:
        return self.folder / (f"{PROGRAM}.exe" if sys.platform == "win32" else PROGRAM)

    @property
    def data(self) -> Path:
        """Where platformdirs puts the user's data on this system, in the clean HOME."""
        if sys.platform == "win32":
            return self.home / "AppData" / "Local" / PROGRAM
        if sys.platform == "darwin":
            return self.home / "Library" / "Application Support" / PROGRAM
        return self.home / ".local" / "share" / PROGRAM

    def environment(self, **extra: str) -> dict[str, str]:
        """Nothing of the build machine's: a system PATH, the new HOME (Windows: its profile folders)."""
        if sys.platform == "win32":
            system = os.environ.get("SYSTEMROOT", r"C:\Windows")
            return {"SYSTEMROOT": system, "PATH": rf"{system}\System32;{system}", "USERPROFILE": str(self.home),
                    "LOCALAPPDATA": str(self.home / "AppData" / "Local"),
                    "APPDATA": str(self.home / "AppData" / "Roaming"), "TEMP": str(self.work.parent / "temp"),
                    "TMP": str(self.work.parent / "temp"), **extra}
        return {"PATH": "/usr/bin:/bin", "HOME": str(self.home), **extra}

    def run(self, *arguments: str, timeout: float = 300, **extra: str) -> str:
        """Run the bundle; its standard output, or SmokeFailure with what it said."""
        command = [str(self.program), *arguments]
        done = subprocess.run(command, cwd=self.work, env=self.environment(**extra), capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0 or "Traceback" in done.stderr:
            raise SmokeFailure(f"'{PROGRAM} {' '.join(arguments)}' exited {done.returncode}: "
                               f"{(done.stderr or done.stdout).strip()[-2000:]}")
        return done.stdout

    def check_untouched(self) -> None:
        now = fingerprint(self.folder)
        changed = sorted(set(now.items()) ^ set(self.fingerprint.items()))
        if changed:
            raise SmokeFailure(f"the bundle's folder changed while it ran: {sorted({name for name, _ in changed})[:10]}")
        if any(self.work.iterdir()):
            raise SmokeFailure(f"the bundle wrote into its current folder: {sorted(os.listdir(self.work))[:10]}")


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file, link and folder under ``folder``: its kind, permissions and content hash."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            seen[name] = f"link {os.readlink(path)}"
        elif path.is_dir():
            seen[name] = f"folder {path.stat().st_mode:o}"
        else:
            seen[name] = f"file {path.stat().st_mode:o} {hashlib.sha256(path.read_bytes()).hexdigest()}"
    return seen


def step(name: str):
    """Print each step with its time, so CI's log says what took how long."""
    def wrap(function):
        def run(*arguments):
            started = time.monotonic()
            said = function(*arguments)
            print(f"ok   {name} ({time.monotonic() - started:.1f} s){': ' + said if said else ''}", flush=True)
        return run
    return wrap


@step("the .desktop file and icon")
def has_a_desktop_entry(install: Install) -> str:
    """The launcher entry names the program and icon where the documented install puts them (/opt)."""
    entry = (install.folder / f"{PROGRAM}.desktop").read_text(encoding="utf-8").splitlines()
    fields = dict(line.split("=", 1) for line in entry if "=" in line)
    for field in ("Exec", "Icon"):
        if not fields.get(field, "").startswith(f"/opt/{PROGRAM}/") or not (
                install.folder / Path(fields[field]).name).is_file():
            raise SmokeFailure(f"the .desktop file's {field}={fields.get(field)} is not a file of the bundle in /opt")
    return f"Exec={fields['Exec']}, Icon={fields['Icon']}"


@step("every library finds what it links to (ldd)")
def finds_every_library(install: Install) -> str:
    """A library left out, or one whose only user was left out, shows here before any run needs it."""
    inside = install.folder / "_internal"
    search = f"{inside}:{inside / 'PySide6' / 'Qt' / 'lib'}"
    libraries = [path for path in inside.rglob("*.so*") if path.is_file()]
    missing = set()
    for library in libraries:
        linked = subprocess.run(["ldd", str(library)], capture_output=True, text=True,
                                env={"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": search})
        missing |= {f"{library.name}: {line.split()[0]}" for line in linked.stdout.splitlines() if "not found" in line}
    if missing:
        raise SmokeFailure(f"libraries not found: {sorted(missing)}")
    return f"{len(libraries)} libraries"


@step("--version")
def says_its_version(install: Install) -> str:
    said = install.run("--version").strip()
    if said != f"{PROGRAM} {__version__}":
        raise SmokeFailure(f"--version said {said!r}, not {PROGRAM} {__version__}")
    return said


@step("demo clinic")
def builds_the_demo_clinic(install: Install) -> str:
    install.run("demo")
    patients = count(install.data / "clinic.sqlite3", "patient")
    if patients < 50:
        raise SmokeFailure(f"the demo clinic has {patients} patients")
    return f"{patients} patients in {install.data / 'clinic.sqlite3'}"


@step("every --screenshot view")
def draws_every_view(install: Install, pictures: Path, views: tuple[str, ...]) -> str:
    def draw(view: str) -> None:
        install.run("--screenshot", str(pictures / f"{view}.png"), "--view", view, "--size", SCREEN)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(draw, views))
    from PIL import Image

    for view in views:
        with Image.open(pictures / f"{view}.png") as picture:
            colours = picture.convert("RGB").getcolors(maxcolors=1 << 16)
            if picture.width < 300 or picture.height < 150 or (colours is not None and len(colours) < 8):
                raise SmokeFailure(f"the {view} view is {picture.width}×{picture.height} with hardly anything drawn")
    return f"{len(views)} views in {pictures}"


@step("letters export")
def exports_letters(install: Install, out: Path) -> str:
    from pypdf import PdfReader

    folder = out / "letters"
    folder.mkdir()
    install.run("letters", "export", "--signed-unsent", str(folder))
    letters = sorted(folder.glob("*.pdf"))
    if not letters:
        raise SmokeFailure("letters export wrote no letter")
    for letter in letters:
        reader = PdfReader(letter)
        text = reader.pages[0].extract_text()
        fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
        names = {str(font["/BaseFont"]) for font in fonts}
        embedded = all("/FontFile2" in font["/FontDescriptor"] for font in fonts if "/FontDescriptor" in font)
        if "Page 1 of" not in text or not any("DejaVu" in name for name in names) or not embedded:
            raise SmokeFailure(f"{letter.name} lacks its page footer or its embedded DejaVu fonts ({names})")
    return f"{len(letters)} signed letters, DejaVu embedded"


@step("FHIR export")
def exports_fhir(install: Install, out: Path) -> str:
    folder = out / "fhir"
    folder.mkdir()  # the export writes into an empty folder that exists
    install.run("export", "fhir", "--all", str(folder))
    records = sorted(folder.glob("*.json"))
    kinds = {json.loads(record.read_text(encoding="utf-8"))["resourceType"] for record in records}
    if not records or kinds != {"Bundle"}:
        raise SmokeFailure(f"export fhir --all wrote {len(records)} files of {kinds}")
    return f"{len(records)} patients' Bundles"


@step("audit verify")
def verifies_the_audit_trail(install: Install) -> str:
    return install.run("audit", "verify").strip().splitlines()[0]


@step("backup")
def backs_up(install: Install, out: Path) -> str:
    copy = out / "backup.sqlite3"
    install.run("backup", str(copy))
    with sqlite3.connect(copy) as connection:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise SmokeFailure("the backup copy fails SQLite's integrity check")
    return f"{count(copy, 'patient')} patients in {copy.name}"


@step("the window on an X display (xvfb-run)")
def opens_the_window(install: Install, pictures: Path) -> str:
    """Xvfb through xvfb-run, the window driven by xdotool from a child of it (this script, --window).
    Linux only: elsewhere the workflow's runner has a desktop of its own, not an X server."""
    if not sys.platform.startswith("linux"):
        return "not run: Linux only (X11)"
    for tool in ("xvfb-run", "xdotool"):
        if shutil.which(tool) is None:
            raise SmokeFailure(f"{tool} is needed for the window step: apt-get install xvfb xauth xdotool")
    done = subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}x24", sys.executable, __file__, str(install.bundle), "--window",
                           str(install.folder), str(install.home), str(install.work), str(pictures)],
                          capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise SmokeFailure(f"the window: {(done.stderr or done.stdout).strip()[-2000:]}")
    return done.stdout.strip()


def drive_the_window(folder: Path, home: Path, work: Path, pictures: Path) -> str:
    """On the display xvfb-run made: sign in as the demo manager, check it stays up, photograph it,
    quit with Ctrl+Q and expect a clean exit. Clicks put the focus in each box: without a window
    manager, Qt does not always take the keyboard focus a program like xdotool gives it."""
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DISPLAY": os.environ["DISPLAY"],
                   "XAUTHORITY": os.environ.get("XAUTHORITY", ""), "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen([str(folder / PROGRAM)], cwd=work, env=environment, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        sign_in = find_window("^Sign in", app)
        xdotool("mousemove", "--window", sign_in, "200", "55", "click", "1")
        xdotool("type", "--delay", "20", DEMO_MANAGER[0])
        xdotool("mousemove", "--window", sign_in, "200", "83", "click", "1")
        xdotool("type", "--delay", "20", DEMO_MANAGER[1])
        xdotool("key", "Return")
        main = find_window("^Clinic Desktop", app)
        time.sleep(WINDOW_UP_SECONDS)
        if app.poll() is not None:
            raise SmokeFailure(f"the window closed by itself within {WINDOW_UP_SECONDS} s: {app.stderr.read()}")
        picture = pictures / "window-xcb.png"
        grab_screen(picture)
        xdotool("mousemove", "--window", main, "300", "12", "click", "1")
        xdotool("key", "ctrl+q")
        status = app.wait(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    errors = app.stderr.read()
    if status != 0 or "Traceback" in errors:
        raise SmokeFailure(f"quitting the window exited {status}: {errors.strip()[-2000:]}")
    return f"signed in, up {WINDOW_UP_SECONDS} s, {picture.name}, quit with Ctrl+Q"


def find_window(title: str, app: subprocess.Popen) -> str:
    """The id of the visible window whose title starts so, waiting up to a minute for it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise SmokeFailure(f"the app exited {app.returncode} before showing {title}: {app.stderr.read()}")
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], capture_output=True,
                               text=True)
        if found.stdout.split():
            time.sleep(1)  # shown is not yet drawn and listening
            return found.stdout.split()[0]
        time.sleep(0.25)
    raise SmokeFailure(f"no window titled {title} within a minute")


def xdotool(*arguments: str) -> None:
    subprocess.run(["xdotool", *arguments], check=True, timeout=30)
    time.sleep(0.3)


def grab_screen(target: Path) -> None:
    """The whole X screen as a PNG, taken by Qt (the virtualenv's, not the bundle's)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([sys.argv[0], "-platform", "xcb"])
    if not app.primaryScreen().grabWindow(0).save(str(target), "PNG"):
        raise SmokeFailure(f"could not save the screen to {target}")


@step("an update keeps the clinic")
def update_keeps_the_data(install: Install) -> str:
    """The folder replaced by a new copy (what an update does): the same clinic, still intact."""
    database = install.data / "clinic.sqlite3"
    before = count(database, "patient")
    install.check_untouched()
    install.install()
    install.run("audit", "verify")
    after = count(database, "patient")
    if after != before:
        raise SmokeFailure(f"after the update the clinic has {after} patients, not {before}")
    return f"{after} patients before and after"


@step("an older database is upgraded after its backup")
def upgrades_an_older_database(install: Install, out: Path) -> str:
    older = out / "older" / "clinic.sqlite3"
    older.parent.mkdir()
    make_schema_7_database(older)
    install.run("--database", str(older), "worklist", "overdue")
    backups = list(older.parent.glob("clinic.schema-7.*.backup.sqlite3"))
    if len(backups) != 1 or schema_version(backups[0]) != 7:
        raise SmokeFailure(f"no schema-7 backup copy beside the upgraded database: {os.listdir(older.parent)}")
    if schema_version(older) <= 7 or count(older, "patient") != 1:
        raise SmokeFailure(f"the database is at schema {schema_version(older)} with {count(older, 'patient')} "
                           "patients after opening")
    return f"schema 7 -> {schema_version(older)}, backup {backups[0].name}"


def make_schema_7_database(path: Path) -> None:
    """A clinician, a patient and an episode in a database as schema 7 (the previous release) made
    it: the schema tests' own maker (tests/models/test_schema.py), in a child process of its own."""
    code = ("import sys; from pytest import MonkeyPatch; from clinic_desktop.models import make_database, "
            "bind_database; import test_schema; database = make_database(sys.argv[1]); bind_database(database); "
            "database.connect(); test_schema.make_schema_7(database, MonkeyPatch()); database.close()")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path[:3])})


def count(database: Path, table: str) -> int:
    with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as connection:
        return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def schema_version(database: Path) -> int:
    with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as connection:
        return connection.execute('SELECT version FROM "schema_version"').fetchone()[0]


@step("start time, median of 5 (--version)")
def compares_start_times(install: Install) -> str:
    """Information for the notes, not a test: how long the bundle takes to start against the virtualenv."""
    def median(command: list[str], environment: dict[str, str]) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(command, env=environment, cwd=install.work, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    bundle = median([str(install.program), "--version"], install.environment())
    virtualenv = median([sys.executable, "-m", "clinic_desktop", "--version"], {**os.environ, "PYTHONPATH": str(ROOT)})
    return f"bundle {bundle * 1000:.0f} ms, virtualenv {virtualenv * 1000:.0f} ms"


def smoke(built: Path, pictures: Path, views: tuple[str, ...] = SCREENSHOT_VIEWS) -> None:
    if not built.exists():
        raise SmokeFailure(f"no bundle at {built}: run 'make bundle' first")
    pictures.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clinic-bundle-smoke-") as place:
        place = Path(place)
        install = Install(built, place)
        out = place / "out"
        out.mkdir()
        (place / "temp").mkdir()
        if built.name.endswith(".tar.gz"):
            has_a_desktop_entry(install)
            finds_every_library(install)
        says_its_version(install)
        builds_the_demo_clinic(install)
        draws_every_view(install, pictures, views)
        exports_letters(install, out)
        exports_fhir(install, out)
        verifies_the_audit_trail(install)
        backs_up(install, out)
        opens_the_window(install, pictures)
        update_keeps_the_data(install)
        upgrades_an_older_database(install, out)
        compares_start_times(install)
        install.check_untouched()
        print("ok   the bundle's folder is byte-for-byte as installed, and nothing was written beside the runs")


def main() -> int:
    parser = argparse.ArgumentParser(description="Smoke-test a built one-folder bundle in a clean environment.")
    parser.add_argument("bundle", type=Path, help="the built folder, e.g. dist/clinic-desktop")
    parser.add_argument("--pictures", type=Path, default=ROOT / "build" / "bundle-smoke",
                        help="where the views drawn by the bundle are kept for looking at")
    parser.add_argument("--views", nargs="+", choices=SCREENSHOT_VIEWS, default=SCREENSHOT_VIEWS, metavar="VIEW",
                        help="draw only these views (default: every one); for trying a change to the spec quickly")
    parser.add_argument("--window", nargs=4, type=Path, metavar=("FOLDER", "HOME", "WORK", "PICTURES"),
                        help=argparse.SUPPRESS)  # the window step, run by itself under xvfb-run
    arguments = parser.parse_args()
    try:
        if arguments.window:
            print(drive_the_window(*arguments.window))
        else:
            started = time.monotonic()
            smoke(arguments.bundle.resolve(), arguments.pictures.resolve(), tuple(arguments.views))
            print(f"Bundle smoke test passed in {time.monotonic() - started:.0f} s.")
    except (SmokeFailure, subprocess.SubprocessError) as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
