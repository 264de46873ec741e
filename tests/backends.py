"""The databases the store is tested on: a SQLite file always, and a real PostgreSQL server when
TIMELINE_TEST_POSTGRES_URL points at one (`.ci/run` starts one). Each database is a throwaway: a
fresh SQLite file, or a fresh PostgreSQL schema dropped afterwards.

Import the fixtures into a test module: `from backends import database_url, module_database_url`.
"""
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import warnings

import pytest
from conftest import BIN, CORPUS, RULES

POSTGRES_URL = os.environ.get("TIMELINE_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")  # `.ci/run` sets CI=true


def _seed_articles() -> int:
    from timeline.articles import load_paths

    return len(load_paths([CORPUS])[0])


SEED = _seed_articles()  # articles of the shipped corpus: what a store holds after its first start
BACKENDS = ["sqlite", "postgresql"]
_reachable: dict[str, str | None] = {}


def postgres_problem() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None when they can."""
    if not POSTGRES_URL:
        return "TIMELINE_TEST_POSTGRES_URL is not set (.ci/run sets it after starting PostgreSQL)"
    if POSTGRES_URL not in _reachable:
        from sqlalchemy import create_engine, text

        from timeline.store import normalize_url

        try:
            engine = create_engine(normalize_url(POSTGRES_URL))
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _reachable[POSTGRES_URL] = None
        except Exception as exc:  # noqa: BLE001 - any failure to connect means: skip, saying why
            _reachable[POSTGRES_URL] = f"no PostgreSQL server reachable at TIMELINE_TEST_POSTGRES_URL: {exc}"[:300]
    return _reachable[POSTGRES_URL]


def _postgres_schema():
    """A fresh schema on the test server; returns (url using it, function that drops it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from timeline.store import normalize_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    base = normalize_url(POSTGRES_URL)
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
    return url, drop


def _database(kind: str, folder):
    if kind == "sqlite":
        return f"sqlite:///{folder / 'timeline.sqlite'}", lambda: None
    problem = postgres_problem()
    if problem and IN_CI:
        pytest.fail(f"CI says PostgreSQL is there, but: {problem}")  # a broken setup must not pass silently
    if problem:
        pytest.skip(problem)
    return _postgres_schema()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    url, drop = _database(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request, tmp_path_factory):
    url, drop = _database(request.param, tmp_path_factory.mktemp("db"))
    yield url
    drop()


# --- a real server: `timeline serve` in a subprocess ------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`timeline serve` on a free port, configured through the environment like a user would."""

    def __init__(self, database_url: str, token: str | None = "test-token", cwd=None, flag: bool = False, **env):
        """flag: give the database URL as --database-url instead of TIMELINE_DATABASE_URL."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "TIMELINE_CORPUS_DIR": str(CORPUS), "TIMELINE_RULES_DIR": str(RULES),
                    "TIMELINE_DATABASE_URL": database_url, **env}
        self.extra = []
        if flag:
            del self.env["TIMELINE_DATABASE_URL"]
            self.extra = ["--database-url", database_url]
        self.env.pop("TIMELINE_API_TOKEN", None)
        if token:
            self.env["TIMELINE_API_TOKEN"] = token
        self.cwd = cwd
        self.process = None

    def __enter__(self):
        # the server's output goes to a file: a pipe nobody reads would stall a long-running server
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(BIN), "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.extra],
                                        env=self.env, cwd=self.cwd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response:
                    assert response.status == 200
                    return self
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    raise AssertionError(self.output()) from None
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            # gunicorn gives busy workers `graceful_timeout` (30 s) before it kills them
            self.process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
            warnings.warn(f"the server took over 45 s to stop; its last output:\n{self.output()[-2000:]}")
        self.log.close()

    def output(self) -> str:
        """What the server printed so far."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", errors="replace")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, headers, body bytes) of one request; error statuses are answers too, not exceptions."""
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()
