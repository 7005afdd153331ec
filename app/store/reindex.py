"""Schema step 4: the full-text index made again with the words of ``app.store.words``.

Stores made before held the words of SQLite's ``unicode61`` tokenizer (and, on
PostgreSQL, a copy of its cut), which found no accented Greek word by its plain
form, no Devanagari word whole and no Chinese, Japanese or Thai word inside a
longer run. Every message and every conversation's people are indexed again,
BATCH messages at a time, so that memory stays bounded whatever the store's size.
"""

from __future__ import annotations

from peewee import SqliteDatabase

from app.store import search
from app.store.models import database
from app.store.words import SQL_FUNCTION, add_sql_function

BATCH = 5000


def rebuild_search_index(store) -> None:
    if isinstance(store.db, SqliteDatabase):
        _rebuild_sqlite(store)
    else:
        _rebuild_postgres()


def _batches(table: str):
    """(first id, last id) spans of BATCH ids covering the table's rows."""
    last = database.obj.execute_sql(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0
    for first in range(1, last + 1, BATCH):
        yield first, min(first + BATCH - 1, last)


def _rebuild_sqlite(store) -> None:
    # The tables' tokenizer changes with their words: they are made anew, not emptied.
    db = store.db
    db.execute_sql(f"DROP TABLE IF EXISTS {search.FTS_TABLE}")
    db.execute_sql(f"DROP TABLE IF EXISTS {search.PEOPLE_TABLE}")
    search.create_index(store)
    cursor = db.cursor()
    cursor.executemany(search.SET_FTS_SETTING, search.bulk_settings(True))
    add_sql_function(db.connection())
    for first, last in _batches("message"):
        db.execute_sql(
            f"INSERT INTO {search.FTS_TABLE}(rowid, subject, body) "
            f"SELECT id, {SQL_FUNCTION}(subject), {SQL_FUNCTION}(body) FROM message WHERE id BETWEEN ? AND ? "
            "ORDER BY id",
            (first, last),
        )
    for first, last in _batches("conversation"):
        search.refresh_people(list(range(first, last + 1)))
    cursor.executemany(search.SET_FTS_SETTING, search.bulk_settings(False))


def _rebuild_postgres() -> None:
    """Each message's document again: its text, its sender, and its conversation's people."""
    db = database.obj
    for first, last in _batches("message"):
        rows = db.execute_sql(
            "SELECT m.id, m.conversation_id, m.subject, m.body, p.name, p.company, p.headline FROM message AS m "
            "LEFT JOIN member AS p ON p.id = m.sender_id WHERE m.id BETWEEN %s AND %s",
            (first, last),
        ).fetchall()
        people = _people(sorted({row[1] for row in rows}))
        search.index_messages(
            (message_id, subject, body,
             people[conversation_id] if name is None else f"{name} {company} {headline} {people[conversation_id]}")
            for message_id, conversation_id, subject, body, name, company, headline in rows
        )


def _people(conversation_ids: list[int]) -> dict[int, str]:
    """The people of these conversations as SQLite files them (``search.refresh_people``):
    the title, then the creator and everyone with a view of it, in member id order (PostgreSQL)."""
    db = database.obj
    titles = dict(db.execute_sql("SELECT id, title FROM conversation WHERE id = ANY(%s)",
                                 (conversation_ids,)).fetchall())
    members: dict[int, set[int]] = {conversation_id: set() for conversation_id in titles}
    for conversation_id, member_id in db.execute_sql(
        "SELECT conversation_id, member_id FROM conversation_state WHERE conversation_id = ANY(%s) "
        "UNION SELECT id, created_by_id FROM conversation WHERE id = ANY(%s) AND created_by_id IS NOT NULL",
        (conversation_ids, conversation_ids),
    ).fetchall():
        members[conversation_id].add(member_id)
    everyone = sorted(set().union(*members.values()))
    person = {
        row[0]: row[1:]
        for row in db.execute_sql("SELECT id, name, company, headline FROM member WHERE id = ANY(%s)",
                                  (everyone,)).fetchall()
    }
    return {
        conversation_id: search.people_text(titles[conversation_id],
                                            (person[m] for m in sorted(ids) if m in person))
        for conversation_id, ids in members.items()
    }
