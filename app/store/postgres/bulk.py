"""Bulk writing on PostgreSQL: ids from the tables' sequences, documents made in Python."""

from __future__ import annotations

from typing import Callable, Sequence

from peewee import JOIN

from app.store import backend
from app.store.models import Conversation, ConversationState, Member, Message, database, tuples
from app.store.postgres import search
from app.store.search import people_text

REBUILT_AT_ONCE = 5000  # messages


def take_ids(model, n: int) -> Sequence[int]:
    """``n`` ids drawn from the table's sequence."""
    if n <= 0:
        return range(0)
    cursor = database.obj.execute_sql(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (model._meta.table_name, n)
    )
    return [row[0] for row in cursor.fetchall()]


class MessageIndex(backend.MessageIndex):
    """A message's document also holds its people: its sender's name, company and headline
    followed by its conversation's people (title and names, by conversation id, from
    ``people()``). The rows are read back and indexed in the caller's thread."""

    def __init__(self, people: Callable[[], dict[int, str]]) -> None:
        self._people = people
        self.people: dict[int, str] = {}

    def __enter__(self) -> MessageIndex:
        self.people = self._people()
        return self

    def add(self, first_id: int, last_id: int) -> None:
        self._index(first_id, last_id)

    def _index(self, first_id: int, last_id: int) -> None:
        rows = tuples(
            Message.select(Message.id, Message.conversation, Message.subject, Message.body,
                           Member.name, Member.company, Member.headline)
            .join(Member, on=(Member.id == Message.sender), join_type=JOIN.LEFT_OUTER)
            .where(Message.id.between(first_id, last_id))
            .order_by(Message.id)
        )
        search.index_messages(
            (message_id, subject, body,
             self.people[conversation_id] if name is None
             else f"{name} {company} {headline} {self.people[conversation_id]}")
            for message_id, conversation_id, subject, body, name, company, headline in rows
        )


class TimeOrderedInsert(backend.TimeOrderedInsert):
    """The rows gathered in a temporary table, dropped at the latest at commit, and copied out sorted."""

    def __init__(self, model, fields: Sequence[str], order_by: str) -> None:
        super().__init__(model, fields, order_by)
        database.obj.execute_sql(f'CREATE TEMP TABLE "{self.TABLE}" ON COMMIT DROP AS '
                                 f'SELECT "id" AS seq, {self.columns} FROM "{self.table}" WHERE 1 = 0')

    def add(self, rows: Sequence[tuple]) -> None:
        if rows:
            marks = ", ".join(["%s"] * self.width)
            database.obj.cursor().executemany(f'INSERT INTO "{self.TABLE}" VALUES ({marks})', rows)

    def finish(self, written: Callable[[int, int], None]) -> None:
        db = database.obj
        before = db.execute_sql(f'SELECT max("id") FROM "{self.table}"').fetchone()[0] or 0
        db.execute_sql(f'INSERT INTO "{self.table}" ({self.columns}) '
                       f'SELECT {self.columns} FROM "{self.TABLE}" ORDER BY {self.order}')
        db.execute_sql(f'DROP TABLE "{self.TABLE}"')
        first, last = db.execute_sql(
            f'SELECT min("id"), max("id") FROM "{self.table}" WHERE "id" > %s', (before,)
        ).fetchone()
        for start in range(first or 0, (last or -1) + 1, self.CHUNK):
            written(start, min(start + self.CHUNK - 1, last))


def rebuild_index() -> None:
    """Every message's document made again, with its sender and its conversation's people now."""
    database.obj.execute_sql(f"DELETE FROM {search.SEARCH_TABLE}")
    last = Message.select(Message.id).order_by(Message.id.desc()).scalar() or 0
    with MessageIndex(conversation_people) as index:
        for first in range(1, last + 1, REBUILT_AT_ONCE):
            index.add(first, min(first + REBUILT_AT_ONCE - 1, last))


def conversation_people() -> dict[int, str]:
    """Each conversation's people as a new message files them: its title, then its creator and
    everyone with a view of it, in member id order."""
    members: dict[int, set[int]] = {}
    for conversation, member in tuples(ConversationState.select(ConversationState.conversation,
                                                                ConversationState.member)):
        members.setdefault(conversation, set()).add(member)
    titles: dict[int, str] = {}
    for conversation, title, creator in tuples(Conversation.select(Conversation.id, Conversation.title,
                                                                   Conversation.created_by)):
        titles[conversation] = title
        if creator is not None:
            members.setdefault(conversation, set()).add(creator)
    person = {row[0]: row[1:] for row in tuples(Member.select(Member.id, Member.name, Member.company,
                                                              Member.headline))}
    return {
        conversation: people_text(title, (person[m] for m in sorted(members.get(conversation, ())) if m in person))
        for conversation, title in titles.items()
    }
