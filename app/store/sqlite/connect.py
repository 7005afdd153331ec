"""Opening a SQLite store file: created readable by its owner only, in WAL mode with
foreign keys on and a busy timeout."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import OperationalError, SqliteDatabase

from app.store.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"


def connect_sqlite(path: Path, *, create: bool, mark: str) -> SqliteDatabase:
    """The store at ``path``, connected; ``mark`` is the app's mark in its meta table."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Parley store.")
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                raise StoreError(f"{path} is not a Parley store.")
        if not _has_mark(path, mark):
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


def _has_mark(path: Path, mark: str) -> bool:
    """Look for Parley's own mark read-only, so another program's database is left untouched."""
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
    return row is not None and row[0] == mark
