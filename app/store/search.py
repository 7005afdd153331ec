"""The full-text index of messages, kept in sync by the store.

SQLite: an FTS5 table whose rowid is the message id, with three columns:
subject, body, and ``people`` (names, companies and headlines of the sender and
the conversation's other side, so a name finds the conversation). The core
never writes SQL for the index; it calls these functions.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from peewee import SqliteDatabase

from app.store.models import database

FTS_TABLE = "message_fts"


def _sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def create_index(store) -> None:
    if _sqlite():
        store.db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "subject, body, people, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        from app.store.postgres import create_search_index

        create_search_index(store)


def index_messages(rows: Iterable[Sequence]) -> None:
    """Add (message_id, subject, body, people) rows to the index."""
    rows = list(rows)
    if not rows:
        return
    if _sqlite():
        database.obj.cursor().executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, subject, body, people) VALUES (?, ?, ?, ?)", rows
        )
    else:
        from app.store.postgres import index_messages as pg_index

        pg_index(rows)


def unindex_message(message_id: int) -> None:
    """Remove a message from the index (recalled messages are no longer searchable)."""
    if _sqlite():
        database.obj.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (message_id,))
    else:
        from app.store.postgres import unindex_message as pg_unindex

        pg_unindex(message_id)
