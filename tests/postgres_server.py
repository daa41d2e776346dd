"""A throw-away PostgreSQL server for the test session.

``ThrowawayPostgres`` runs ``initdb`` into a fresh temporary directory and
starts a private server on a free TCP port of 127.0.0.1 (never 5432 by
assumption), with durability switched off (fsync, synchronous_commit,
full_page_writes) since the data is thrown away. ``stop()`` kills it
(``pg_ctl -m immediate``) and removes the directory.

When the environment variable ``CLINIC_TEST_POSTGRES_URL`` is set (for example
``postgresql://user:secret@db.local:5433/postgres``) no server is started: the
given server is used instead, and ``create_database`` (re)creates databases
on it.

PostgreSQL refuses to run as root, so when the tests run as root the temporary
directory is handed to the ``postgres`` system user (created by Debian's
postgresql packages) and ``initdb``/``pg_ctl`` are run through
``runuser -u postgres --`` (or ``su postgres -c``).
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV_URL = "CLINIC_TEST_POSTGRES_URL"
SYSTEM_USER = "postgres"  # the OS account the server runs as when we are root
SUPERUSER = "postgres"  # the database superuser created by initdb


def _version_key(path: str) -> tuple:
    """Sort key for /usr/lib/postgresql/<version>/bin: numeric, highest last."""
    version = Path(path).parent.name
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.]", version))


def find_bindir() -> tuple[Path | None, str]:
    """Return (directory holding initdb and pg_ctl, explanation).

    Debian's /usr/lib/postgresql/*/bin (highest version) first, then PATH.
    """
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for bindir in candidates:
        if all(os.access(os.path.join(bindir, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return Path(bindir), f"found in {bindir}"
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        # Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin)
        # so that initdb, pg_ctl and postgres all come from the same install.
        real = Path(os.path.realpath(initdb)).parent
        if (real / "pg_ctl").exists():
            return real, f"found on PATH ({real})"
        return Path(initdb).parent, f"found on PATH ({Path(initdb).parent})"
    looked = ", ".join(candidates) or "no /usr/lib/postgresql/*/bin"
    return None, f"no initdb/pg_ctl in /usr/lib/postgresql/*/bin ({looked}) nor on PATH"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (bind to port 0 and let the OS pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class PostgresError(RuntimeError):
    pass


class ThrowawayPostgres:
    """A private PostgreSQL server in a temporary directory (or an external one).

    Usage::

        server = ThrowawayPostgres()
        if not server.available():
            print(server.reason)
        server.start()
        url = server.create_database("clinic_test")
        ...
        server.stop()
    """

    host = "127.0.0.1"

    def __init__(self, external_url: str | None = None, *, start_timeout: int = 60, password_auth: bool = False,
                 settings: dict[str, str] | None = None):
        """``password_auth``: TCP logins must give their password (SCRAM), as on a clinic's server,
        and the superuser's URL carries one; otherwise every local login is trusted. ``settings``:
        server settings of the test's own, given after the defaults so they win (``max_connections``,
        ``fsync=on`` for a server as durable as a clinic's, ``{"max_connections": "500"}`` for a
        benchmark of many workstations)."""
        self.settings = dict(settings or {})
        if external_url is None:
            external_url = os.environ.get(ENV_URL) or None
        self.external_url = external_url
        self.start_timeout = start_timeout
        self.superuser_password = "throwaway-superuser" if password_auth and not external_url else None
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self.datadir: Path | None = None
        self.sockdir: Path | None = None
        self.logfile: Path | None = None
        self.start_seconds: float | None = None  # wall time of initdb + start
        self.version: str | None = None
        self._running = False
        self.reason = ""
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0

        if self.external_url:
            parts = urlsplit(self.external_url)
            if parts.scheme not in ("postgres", "postgresql"):
                raise ValueError(f"{ENV_URL} must be a postgresql:// URL, got {self.external_url!r}")
            self.bindir = None
            self.reason = f"using external server from {ENV_URL}"
        else:
            self.bindir, self.reason = find_bindir()

    # -- state -------------------------------------------------------------

    def available(self) -> bool:
        """True when a server can be had; otherwise ``self.reason`` says why not."""
        if self.external_url:
            return True
        if self.bindir is None:
            return False
        if self.as_root:
            try:
                import pwd

                pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                self.reason = (
                    f"running as root but there is no {SYSTEM_USER!r} system user to run "
                    f"the server as (Debian's postgresql package creates it); binaries {self.reason}"
                )
                return False
            if not (shutil.which("runuser") or shutil.which("su")):
                self.reason = "running as root but neither runuser nor su is available"
                return False
        return True

    @property
    def running(self) -> bool:
        return self._running

    # -- commands ----------------------------------------------------------

    def _env(self) -> dict[str, str]:
        # No PG* variables from the caller (PGPORT, PGDATA, ...) and a locale
        # that always exists.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        return env

    def _command(self, args: list[str]) -> list[str]:
        if not self.as_root:
            return args
        if shutil.which("runuser"):
            return ["runuser", "-u", SYSTEM_USER, "--", *args]
        return ["su", SYSTEM_USER, "-s", "/bin/sh", "-c", shlex.join(args)]

    def _run(self, args: list[str], timeout: float) -> subprocess.CompletedProcess:
        return subprocess.run(
            self._command(args),
            cwd=self.tmpdir,  # the caller's cwd may not be readable by the postgres user
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )

    def _tool(self, name: str) -> str:
        assert self.bindir is not None
        return str(self.bindir / name)

    def _log_tail(self, lines: int = 40) -> str:
        if self.logfile is None or not self.logfile.exists():
            return "(no server log)"
        text = self.logfile.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "ThrowawayPostgres":
        if self._running:
            return self
        if self.external_url:
            self._running = True
            self.start_seconds = 0.0
            return self
        if not self.available():
            raise PostgresError(f"PostgreSQL is not available: {self.reason}")

        began = time.monotonic()
        # As root the directory must be reachable by the postgres user: keep it
        # under /tmp rather than a TMPDIR that might sit in /root.
        parent = "/tmp" if self.as_root and os.path.isdir("/tmp") else None
        self.tmpdir = Path(tempfile.mkdtemp(prefix="clinic-test-pg-", dir=parent))
        self.datadir = self.tmpdir / "data"
        self.sockdir = self.tmpdir / "sock"
        self.logfile = self.tmpdir / "postgres.log"
        self.sockdir.mkdir()
        if self.as_root:
            for path in (self.tmpdir, self.sockdir):
                shutil.chown(path, user=SYSTEM_USER, group=None)
            os.chmod(self.tmpdir, 0o700)
        atexit.register(self.stop)

        try:
            authentication = ["-A", "trust"]
            if self.superuser_password:
                password_file = self.tmpdir / "superuser-password"
                password_file.write_text(self.superuser_password)
                if self.as_root:
                    shutil.chown(password_file, user=SYSTEM_USER, group=None)
                authentication = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}"]
            initdb = self._run(
                [
                    self._tool("initdb"),
                    "-D", str(self.datadir),
                    *authentication,
                    "-U", SUPERUSER,
                    "-E", "UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                timeout=180,
            )
            if initdb.returncode != 0:
                raise PostgresError(f"initdb failed (exit {initdb.returncode}):\n{initdb.stdout}")

            last_error = ""
            for _attempt in range(3):  # the picked port can be taken in the meantime
                self.port = free_port(self.host)
                options = " ".join(
                    [
                        f"-p {self.port}",
                        f"-k {shlex.quote(str(self.sockdir))}",
                        f"-c listen_addresses={self.host}",
                        "-c fsync=off",
                        "-c synchronous_commit=off",
                        "-c full_page_writes=off",
                        *(f"-c {name}={shlex.quote(value)}" for name, value in self.settings.items()),
                    ]
                )
                result = self._run(
                    [
                        self._tool("pg_ctl"),
                        "-D", str(self.datadir),
                        "-l", str(self.logfile),
                        "-w",
                        "-t", str(self.start_timeout),
                        "-o", options,
                        "start",
                    ],
                    timeout=self.start_timeout + 30,
                )
                if result.returncode == 0:
                    break
                last_error = (
                    f"pg_ctl start failed (exit {result.returncode}) on port {self.port}:\n"
                    f"{result.stdout}\n--- tail of {self.logfile} ---\n{self._log_tail()}"
                )
                if "already in use" not in last_error:
                    raise PostgresError(last_error)
            else:
                raise PostgresError(last_error)

            self._running = True
            self.version = self._query_one("postgres", "show server_version")
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        """Kill the server (immediate shutdown) and remove its directory."""
        atexit.unregister(self.stop)
        if self.external_url:
            self._running = False
            return
        if self.tmpdir is None:
            return
        if self.datadir is not None and (self.datadir / "postmaster.pid").exists():
            try:
                self._run(
                    [self._tool("pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"],
                    timeout=60,
                )
            except (OSError, subprocess.SubprocessError):
                pass
            self._kill_leftover()
        self._running = False
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        self.tmpdir = None

    def stop_accepting(self) -> None:
        """Begin a "smart" shutdown and return at once: the server waits for the sessions already open to
        end and refuses every new one ("the database system is shutting down")."""
        result = self._run([self._tool("pg_ctl"), "-D", str(self.datadir), "-m", "smart", "-W", "stop"], timeout=60)
        if result.returncode != 0:
            raise PostgresError(f"pg_ctl stop -m smart failed:\n{result.stdout}")

    def _kill_leftover(self) -> None:
        """If pg_ctl could not stop it, signal the postmaster ourselves."""
        pidfile = self.datadir / "postmaster.pid" if self.datadir else None
        if pidfile is None or not pidfile.exists():
            return
        try:
            pid = int(pidfile.read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass

    def __enter__(self) -> "ThrowawayPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------

    def url(self, dbname: str) -> str:
        """The URL of database ``dbname`` on this server."""
        if self.external_url:
            parts = urlsplit(self.external_url)
            return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))
        if self.port is None:
            raise PostgresError("server not started")
        login = f"{SUPERUSER}:{self.superuser_password}" if self.superuser_password else SUPERUSER
        return f"postgresql://{login}@{self.host}:{self.port}/{dbname}"

    def _admin_url(self) -> str:
        if self.external_url:
            parts = urlsplit(self.external_url)
            if parts.path.strip("/"):
                return self.external_url
            return self.url("postgres")
        return self.url("postgres")

    def _connect(self, url: str):
        import psycopg2

        conn = psycopg2.connect(url, connect_timeout=10)
        conn.autocommit = True
        return conn

    def _query_one(self, dbname: str, query: str):
        url = self._admin_url() if dbname == "postgres" else self.url(dbname)
        conn = self._connect(url)
        try:
            with conn.cursor() as cur:
                cur.execute(query)
                return cur.fetchone()[0]
        finally:
            conn.close()

    def create_database(self, name: str) -> str:
        """(Re)create an empty database ``name`` and return its URL.

        An existing database of that name is dropped first, so each session
        starts from an empty one (also on an external server).
        """
        from psycopg2 import sql

        if not self._running:
            self.start()
        conn = self._connect(self._admin_url())
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
                cur.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(name)
                    )
                )
        finally:
            conn.close()
        return self.url(name)

    def __repr__(self) -> str:
        where = self.external_url or (f"{self.host}:{self.port}" if self.port else "not started")
        return f"<ThrowawayPostgres {where} version={self.version}>"
