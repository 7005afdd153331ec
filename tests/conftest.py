"""Shared fixtures: a fresh store per test, on a fixed clock, on every backend.

``store`` runs each test twice: on SQLite, and on PostgreSQL. The PostgreSQL
server is the one named by PARLEY_TEST_PG_URL (CI sets it), or else a throwaway
server that this session starts with .ci/postgres when PostgreSQL is installed.
PARLEY_TEST_PG_URL=skip runs SQLite alone.

On PostgreSQL the session works in a schema of its own, created once; before each
test every table is emptied and its ids restart at 1, which is much faster than
building the schema again and gives the same fresh store.
"""

from __future__ import annotations

import glob
import os
import secrets
import shlex
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from peewee import sort_models

from app.store.db import open_store
from app.store.models import ALL_MODELS, Meta

FIXED_NOW = "2026-03-02T09:00:00Z"
PG_URL_ENV = "PARLEY_TEST_PG_URL"
ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def clock(monkeypatch):
    """Set the one clock: clock("2026-03-05T10:00:00Z")."""

    def set_now(value: str) -> None:
        monkeypatch.setenv("PARLEY_NOW", value)

    set_now(FIXED_NOW)
    return set_now


def _postgres_installed() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or shutil.which("initdb") is not None


def _stop_when_gone(pid: int, server_dir: str) -> None:
    """Stop the throwaway server even if this test session is killed before its teardown."""
    script = (
        f"while kill -0 {pid} 2>/dev/null; do sleep 2; done; "
        f"{shlex.quote(str(ROOT / '.ci' / 'postgres'))} stop {shlex.quote(server_dir + '/pg')}; "
        f"rm -rf {shlex.quote(server_dir)}"
    )
    subprocess.Popen(["sh", "-c", script], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def with_search_path(url: str, schema: str) -> str:
    """``url`` with every connection made through it working in ``schema``."""
    option = "options=" + quote(f"-csearch_path={schema}", safe="")
    return url + ("&" if "?" in url else "?") + option


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a PostgreSQL server the tests may create schemas on."""
    url = os.environ.get(PG_URL_ENV, "")
    if url == "skip":
        pytest.skip(f"{PG_URL_ENV}=skip: PostgreSQL tests not asked for")
    try:
        import psycopg  # noqa: F401 (only: is it installed?)
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[postgres]'")
    if url:
        yield url
        return
    if not _postgres_installed():
        pytest.skip(f"no PostgreSQL server: set {PG_URL_ENV} or install PostgreSQL")
    server_dir = tempfile.mkdtemp(prefix="parley-pg-")
    started = subprocess.run(
        [str(ROOT / ".ci" / "postgres"), "start", f"{server_dir}/pg"], capture_output=True, text=True
    )
    if started.returncode != 0:
        shutil.rmtree(server_dir, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL server: {started.stderr.strip()[-300:]}")
    _stop_when_gone(os.getpid(), server_dir)
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", f"{server_dir}/pg"], capture_output=True)
        shutil.rmtree(server_dir, ignore_errors=True)


@contextmanager
def _schema(server: str, prefix: str):
    """A new schema on the server, as a URL whose connections work in it; dropped after."""
    import psycopg

    schema = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(server, schema)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def postgres_url(postgres_server):
    """A URL to a schema of this session's own, where the ``store`` fixture lives."""
    with _schema(postgres_server, "test") as url:
        yield url


@pytest.fixture
def empty_postgres_url(postgres_server):
    """A URL to a new schema with no store in it yet."""
    with _schema(postgres_server, "empty") as url:
        yield url


def _empty_postgres(store) -> None:
    """Every table emptied (children first) and every id sequence back at 1."""
    from app.store.postgres.search import SEARCH_TABLE

    models = [model for model in reversed(sort_models(ALL_MODELS)) if model is not Meta]
    statements = [f'DELETE FROM "{SEARCH_TABLE}"']
    statements += [f'DELETE FROM "{model._meta.table_name}"' for model in models]
    statements += [
        f"SELECT setval(pg_get_serial_sequence('\"{model._meta.table_name}\"', 'id'), 1, false)"
        for model in models
        if model._meta.primary_key.name == "id" and model._meta.auto_increment
    ]
    store.db.execute_sql("; ".join(statements))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The store's backend: "sqlite" or "postgres"."""
    return request.param


@pytest.fixture
def store_target(request, backend, tmp_path) -> str:
    """Where this test's store lives: a SQLite path or a PostgreSQL URL (for subprocesses)."""
    if backend == "sqlite":
        return str(tmp_path / "parley.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(backend, store_target, clock):
    """A new, empty store bound to the models, on each backend in turn."""
    st = open_store(store_target)
    if backend == "postgres":
        _empty_postgres(st)
    yield st
    st.close()
