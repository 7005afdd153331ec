"""Which store to open, decided before the database library is loaded.

Kept free of Peewee so that start-up can choose the drivers Peewee loads from it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.store.errors import POSTGRES_SCHEMES, StoreError

POSTGRES_DRIVERS = ("psycopg", "psycopg2")
SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a store


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("parley", appauthor=False)) / "parley.db"


def resolve_target(target: str | None) -> str:
    """--db, then PARLEY_DB, then the config file, then the default path."""
    if target is not None and not target.strip():
        raise StoreError("--db is empty: name a store file or a postgresql:// URL.")
    if target:
        return target
    env = os.environ.get("PARLEY_DB")
    if env:
        return env
    from app.config import load_config

    configured = load_config().get("db")
    if configured:
        return str(configured)
    return str(default_path())


def is_postgres_url(target: str) -> bool:
    return target.startswith(POSTGRES_SCHEMES)


def store_files(target: str) -> list[Path]:
    """The files a store at ``target`` is kept in (none for a PostgreSQL database)."""
    if is_postgres_url(target):
        return []
    path = Path(target).expanduser()
    return [path] + [path.with_name(path.name + side) for side in SIDE_FILES]


def load_peewee_for(target: str) -> None:
    """Load Peewee without the PostgreSQL drivers when the store is SQLite.

    Peewee imports every driver it finds as it loads; psycopg alone costs about half
    a second and 10 MB before the inbox can paint, and a SQLite store never uses it.
    """
    if "peewee" in sys.modules or is_postgres_url(target):
        return
    hidden = [name for name in POSTGRES_DRIVERS if name not in sys.modules]
    for name in hidden:
        # importing it fails at once, and Peewee goes on without it (typeshed allows modules only)
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            sys.modules.pop(name, None)
