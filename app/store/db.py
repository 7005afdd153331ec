"""Opening, creating and migrating a Parley store.

A target is a path (SQLite, the embedded default) or a ``postgresql://`` URL. The
SQLite file is created readable by its owner only and runs in WAL mode with
foreign keys on and a busy timeout; every write goes through ``write()``, which
takes the write lock up front (``BEGIN IMMEDIATE``) so two writers queue rather
than fail half-way.
"""

from __future__ import annotations

import os
import random
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from peewee import Database, OperationalError, SqliteDatabase

from app.store import models, reindex, search
from app.store.target import default_path, is_postgres_url, resolve_target
from app.store.models import ALL_MODELS, Meta, database

SCHEMA_VERSION = 4
APP_MARK = "parley"
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """A store that cannot be used; the message is one sentence for the user."""


@dataclass
class Store:
    target: str
    db: Database

    @property
    def is_postgres(self) -> bool:
        return not isinstance(self.db, SqliteDatabase)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()


def open_store(target: str | None = None, *, create: bool = True) -> Store:
    """Open (and if needed create and migrate) the store, binding the models to it."""
    resolved = resolve_target(target)
    if is_postgres_url(resolved):
        from app.store.postgres import connect_postgres

        db = connect_postgres(resolved)
    else:
        db = _connect_sqlite(Path(resolved).expanduser(), create=create)
    database.initialize(db)
    store = Store(resolved, db)
    _ensure_schema(store)
    return store


def _connect_sqlite(path: Path, *, create: bool) -> SqliteDatabase:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Parley store.")
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                raise StoreError(f"{path} is not a Parley store.")
        if not _has_parley_mark(path):
            raise StoreError(f"{path} is not a Parley store.")
        if not os.access(path, os.W_OK):
            raise StoreError(f"Can't write to {path}: check its permissions.")
    else:
        if not create:
            raise StoreError(f"There is no Parley store at {path}.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"Can't create a store at {path}: {exc.strerror}.") from None
    old_umask = os.umask(0o077)  # the -wal and -shm files are private too
    try:
        db = SqliteDatabase(
            str(path),
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": 15000,
                "synchronous": "normal",
                "cache_size": -64000,
                "temp_store": "memory",
            },
            check_same_thread=False,
        )
        db.connect(reuse_if_open=True)
    except OperationalError as exc:
        raise StoreError(f"Can't open {path}: {exc}.") from None
    finally:
        os.umask(old_umask)
    return db


def _has_parley_mark(path: Path) -> bool:
    """Look for Parley's own mark read-only, so another program's database is left untouched."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            return True  # empty: a store that another process is creating right now
        row = conn.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return row is not None and row[0] == APP_MARK


def _ensure_schema(store: Store) -> None:
    db = store.db
    tables = set(db.get_tables())
    if not tables:
        # Under the write lock: teammates starting at once on an empty database
        # create it once; the others find it made when the lock is theirs.
        with write():
            tables = set(db.get_tables())
            if not tables:
                db.create_tables(ALL_MODELS)
                search.create_index(store)
                if store.is_postgres:
                    from app.store.postgres import create_change_signal

                    create_change_signal(store)
                Meta.create(key="app", value=APP_MARK)
                Meta.create(key="schema_version", value=str(SCHEMA_VERSION))
                return
    if "meta" not in tables:
        raise StoreError(f"{store.target} is not a Parley store.")
    mark = Meta.get_or_none(Meta.key == "app")
    if mark is None or mark.value != APP_MARK:
        raise StoreError(f"{store.target} is not a Parley store.")
    version = int(Meta.get(Meta.key == "schema_version").value)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{store.target} was written by a newer Parley (schema {version}); upgrade Parley to open it."
        )
    migrate(store, version)


def _leaner_indexes(store: Store) -> None:
    """Schema step 3: a sender's messages indexed by time alone, and no index that a
    composite one already begins with."""
    for name in ("message_sender_id_body_hash_sent_at", "conversation_state_conversation_id",
                 "conversation_state_member_id"):
        store.db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    store.db.execute_sql('CREATE INDEX IF NOT EXISTS "message_sender_id_sent_at" ON "message" ("sender_id", "sent_at")')


# Each step takes the store from version N-1 to N inside one transaction.
MIGRATIONS: dict[int, Callable[[Store], None]] = {
    2: search.add_people_index,
    3: _leaner_indexes,
    4: reindex.rebuild_search_index,
}


def migrate(store: Store, version: int) -> None:
    """Bring the store up to SCHEMA_VERSION, each step one transaction under the write lock."""
    while version < SCHEMA_VERSION:
        with write():
            # Read again under the lock: a teammate opening the store may have run this step.
            version = int(Meta.get(Meta.key == "schema_version").value)
            if version < SCHEMA_VERSION:
                MIGRATIONS[version + 1](store)
                version += 1
                Meta.update(value=str(version)).where(Meta.key == "schema_version").execute()


def _is_busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(sign in text for sign in ("locked", "busy", "lock timeout", "could not serialize", "deadlock"))


BUSY = "The store is busy; try again in a moment."
# PostgreSQL's counterpart of BEGIN IMMEDIATE: one advisory lock per store (schema),
# held until the transaction ends, so writers queue exactly as they do on SQLite,
# and wait for it no longer than SQLite's busy timeout before trying again.
PG_WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('parley:' || current_schema()))"
PG_LOCK_WAIT = "SET LOCAL lock_timeout = '15s'"


def _begin_write(db: Database, attempts: int):
    """Enter a write transaction holding the store's write lock, waiting with backoff.

    Nothing of the unit of work has run yet, so waiting here is the same as
    retrying the whole unit; once the write lock is held no other writer can
    make the body fail half-way.
    """
    sqlite = isinstance(db, SqliteDatabase)
    delay, attempt = 0.05, 1
    while True:
        txn = db.atomic("IMMEDIATE") if sqlite else db.atomic()
        try:
            txn.__enter__()
            if not sqlite:
                try:
                    db.execute_sql(PG_LOCK_WAIT)
                    db.execute_sql(PG_WRITE_LOCK)
                except BaseException as exc:
                    txn.__exit__(type(exc), exc, exc.__traceback__)  # rolls back
                    raise
            return txn
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
            if attempt >= attempts:
                raise StoreError(BUSY) from exc
        time.sleep(delay + random.random() * delay)
        delay, attempt = min(delay * 2, 1.0), attempt + 1


@contextmanager
def write(attempts: int = 4) -> Iterator[None]:
    """One write transaction that holds the store's write lock from the start.

    SQLite: ``BEGIN IMMEDIATE`` (each attempt waits up to the busy timeout).
    PostgreSQL: a transaction-scoped advisory lock. Either way two writers
    queue rather than fail half-way, and a busy store never reaches the user
    as "database is locked".
    """
    db = database.obj
    if db.transaction_depth() > 0:
        with db.atomic():
            yield
        return
    with ExitStack() as stack:
        stack.push(_begin_write(db, attempts))
        yield


def retrying(fn: Callable[[], object], attempts: int = 10):
    """Run ``fn`` (a whole write transaction) again with backoff while the store is busy."""
    delay = 0.02
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if not _is_busy(exc) or attempt == attempts - 1:
                raise StoreError(BUSY) from exc
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 1.0)
    return None


def data_version() -> int:
    """A number that changes when another connection commits (cheap change check)."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        return db.execute_sql("PRAGMA data_version").fetchone()[0]
    # The current snapshot (lowest running, next and running transaction ids) decides
    # what a query can see, so it changes exactly when some commit becomes visible.
    row = db.execute_sql("SELECT hashtext(pg_current_snapshot()::text)").fetchone()
    return int(row[0])


__all__ = [
    "Store",
    "StoreError",
    "open_store",
    "write",
    "retrying",
    "data_version",
    "default_path",
    "models",
]
