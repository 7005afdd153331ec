"""Opening a SQLite store file: readable by its owner only, in WAL mode with foreign keys
on and a busy timeout."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections import Counter
from pathlib import Path

from peewee import OperationalError, SqliteDatabase

from app.files import is_regular_file, make_private
from app.store.errors import StoreError, damaged, no_store, read_only, store_error
from app.store.target import store_files

SQLITE_HEADER = b"SQLite format 3\x00"


def connect_sqlite(path: Path, *, create: bool, mark: str) -> SqliteDatabase:
    """The store at ``path``, connected; ``mark`` is the app's mark in its meta table.

    Only a regular file is opened (a pipe would hang, a device is no store). Without
    ``create`` nothing is made: no file, no folder, no -wal or -shm beside it.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Parley store.")
    if os.path.lexists(path) and not is_regular_file(path.resolve()):
        raise StoreError(f"{path} is not a Parley store: it is not a regular file.")
    # A store this process has open may still hold all it has in its -wal file.
    open_here = _open_here(path)
    exists = path.exists() and (path.stat().st_size > 0 or open_here)
    if exists:
        if not open_here:
            _check_existing(path, mark)
    elif not create:
        raise no_store(str(path))
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as exc:
            if exc.errno == errno.EROFS:
                raise StoreError(read_only(str(path.parent))) from None
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
        raise store_error(exc, str(path)) or StoreError(f"Can't open {path}: {exc}.") from None
    finally:
        os.umask(old_umask)
    # Whatever modes the files had before (an empty file made by `touch` is 0644).
    for file in store_files(str(path)):
        make_private(file)
    _OPEN_HERE[os.path.realpath(path)] += 1
    return db


# How many times this process has each store open, by its real path. Closing any descriptor
# of a file drops every POSIX lock this process holds on it, SQLite's own included, so a
# store already open here is not opened again by hand to check it: it was checked when
# first opened.
_OPEN_HERE: Counter[str] = Counter()


def _open_here(path: Path) -> bool:
    return _OPEN_HERE[os.path.realpath(path)] > 0


def closed_here(path: str) -> None:
    """A store opened by ``connect_sqlite`` was closed."""
    key = os.path.realpath(path)
    if _OPEN_HERE[key] > 1:
        _OPEN_HERE[key] -= 1
    else:
        _OPEN_HERE.pop(key, None)


def _check_existing(path: Path, mark: str) -> None:
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise StoreError(f"{path} is not a Parley store.")
    # access() for a file others may read but not write; the open for a read-only
    # file system, which access() does not report to root.
    if not os.access(path, os.W_OK):
        raise StoreError(read_only(str(path)))
    try:
        os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StoreError(read_only(str(path))) from None
        raise
    if not os.access(path.parent, os.W_OK):
        raise StoreError(f"{path.parent} is read-only; Parley needs to write beside the store.")
    found = _mark(path, mark)
    if found is _DAMAGED:
        raise StoreError(damaged(str(path)))
    if found != mark:
        raise StoreError(f"{path} is not a Parley store.")


_DAMAGED = object()


def _mark(path: Path, mark: str):
    """The app mark in the file's meta table (None if it has none, _DAMAGED if SQLite cannot
    read the file), read read-only so that another program's database is left untouched."""
    # With no -wal file beside it, all of the store is in the file: read it as it is,
    # since a read-only reader would leave -wal and -shm files behind that it cannot remove.
    settled = not os.path.exists(f"{path}-wal")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{'immutable=1' if settled else 'mode=ro'}", uri=True)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            return mark  # empty: a store that another process is creating right now
        row = conn.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()
    except sqlite3.DatabaseError as exc:
        return _DAMAGED if store_error(exc, str(path)) is not None else None
    finally:
        conn.close()
    return row[0] if row is not None else None
