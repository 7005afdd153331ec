"""Schema step 4: the full-text index made again with the words of ``app.store.words``.

Stores made before held the words of SQLite's ``unicode61`` tokenizer (and, on
PostgreSQL, a copy of its cut), which found no accented Greek word by its plain
form, no Devanagari word whole and no Chinese, Japanese or Thai word inside a
longer run. Every message and every conversation's people are indexed again,
BATCH messages at a time, so that memory stays bounded whatever the store's size.
"""

from __future__ import annotations

from peewee import JOIN, SqliteDatabase

from app.store import search
from app.store.models import Conversation, ConversationState, Member, Message, database
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
    for first, last in _batches("message"):
        rows = list(
            Message.select(Message.id, Message.conversation, Message.subject, Message.body,
                           Member.name, Member.company, Member.headline)
            .join(Member, on=(Member.id == Message.sender), join_type=JOIN.LEFT_OUTER)
            .where(Message.id.between(first, last))
            .tuples()
        )
        people = _people({row[1] for row in rows})
        search.index_messages(
            (message_id, subject, body,
             people[conversation_id] if name is None else f"{name} {company} {headline} {people[conversation_id]}")
            for message_id, conversation_id, subject, body, name, company, headline in rows
        )


def _people(conversation_ids: set[int]) -> dict[int, str]:
    """The people of these conversations as SQLite files them (``search.refresh_people``):
    the title, then the creator and everyone with a view of it, in member id order."""
    if not conversation_ids:
        return {}
    titles: dict[int, str] = {}
    members: dict[int, set[int]] = {}
    for conversation_id, title, creator in (
        Conversation.select(Conversation.id, Conversation.title, Conversation.created_by)
        .where(Conversation.id.in_(list(conversation_ids))).tuples()
    ):
        titles[conversation_id] = title
        members[conversation_id] = {creator} if creator is not None else set()
    for conversation_id, member_id in (
        ConversationState.select(ConversationState.conversation, ConversationState.member)
        .where(ConversationState.conversation.in_(list(conversation_ids))).tuples()
    ):
        members[conversation_id].add(member_id)
    everyone = set().union(*members.values())
    person = {
        row[0]: row[1:]
        for row in Member.select(Member.id, Member.name, Member.company, Member.headline)
        .where(Member.id.in_(list(everyone))).tuples()
    } if everyone else {}
    return {
        conversation_id: search.people_text(titles[conversation_id],
                                            (person[m] for m in sorted(ids) if m in person))
        for conversation_id, ids in members.items()
    }
