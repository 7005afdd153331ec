"""The full-text index as the core sees it: the same calls on every backend.

Each backend keeps the index its own way (SQLite: FTS5 tables in
``app.store.sqlite.search``; PostgreSQL: a tsvector per message in
``app.store.postgres.search``); both give the same answers. The core never
writes SQL for the index; it calls these functions.

A phrase is (words, prefix): index words that must appear together in order;
with prefix the last word matches any word it starts. The core hands over
phrases already reduced to letters and digits, so a query can never break the
index's syntax.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Sequence

from app.store import backend
from app.store.models import Conversation, ConversationState, Member, database

# (words, prefix), or (words, prefix, TEXT_ONLY): see below.
Phrase = tuple[Sequence[str], bool] | tuple[Sequence[str], bool, str]

# ConversationState columns a search may require to equal a value.
STATE_COLUMNS = ("folder", "has_unread", "connected", "inmail", "starred", "muted", "has_attachment", "assignee_id")

# A search row's message (alias m) reached the searching member's state (alias s): it is not
# another inbox's note, and no block held it back (the ``withheld`` table). The same SQL on
# both backends, and the same rule as ``app.store.models.delivered_to``.
DELIVERED = ("(m.kind <> 'note' OR m.sender_id = s.member_id) AND "
             "NOT EXISTS (SELECT 1 FROM withheld AS w WHERE w.member_id = s.member_id AND w.message_id = m.id)")


# A phrase may carry a third element, TEXT_ONLY: it then matches subjects and bodies
# but not people. A word of the searcher's own name, company or headline stands among
# the people of every conversation they are in, so it would match all.
TEXT_ONLY = "text"


def text_only(phrase: Phrase) -> bool:
    return len(phrase) > 2 and phrase[2] == TEXT_ONLY


def people_text(title: str, people: Iterable[Sequence[str]]) -> str:
    """A conversation's people as the index keeps them: its title, then each person's
    name, company and headline (in member id order)."""
    parts = [title]
    for person in people:
        parts.extend(person)
    return " ".join(part for part in parts if part)


def index_messages(rows: Iterable[Sequence]) -> None:
    """Add (message_id, subject, body, people) rows to the index.

    ``people`` is the text filed with each message where the index does so; where
    it keeps a conversation's people once, call ``refresh_people`` when they may
    have changed.
    """
    rows = list(rows)
    if rows:
        backend.current().add_messages(rows)


def index_message(message_id: int, subject: str, body: str, people: Callable[[], str]) -> None:
    """Add one message to the index. ``people()`` (its sender's and its conversation's people,
    as ``index_messages`` takes them) is asked for only where the index files people with
    each message."""
    backend.current().add_message(message_id, subject, body, people)


def people_of(conversation_id: int, first_id: int) -> str:
    """A conversation's people as the index files them with a message from ``first_id``:
    that member first, then everyone with a view of it, in member id order."""

    title = Conversation.select(Conversation.title).where(Conversation.id == conversation_id).scalar() or ""
    members = list(Member.select().join(ConversationState, on=(ConversationState.member == Member.id))
                   .where(ConversationState.conversation == conversation_id).order_by(Member.id))
    ordered = sorted(members, key=lambda m: m.id != first_id)
    return people_text(title, ((m.name, m.company, m.headline) for m in ordered))


def refresh_people(conversation_ids: Sequence[int]) -> None:
    """Make the people filed for these conversations match the store: their title, creator
    and every member who has a view of them, left or not."""
    if conversation_ids:
        backend.current().refresh_people(conversation_ids)


def matching_messages(member_id: int, phrases: Sequence[Phrase], *, people: Sequence[Phrase] = (),
                      excluded: Sequence[Phrase] = (), boxes: Sequence[int],
                      state: dict[str, object] | None = None, before=None, after=None,
                      by_member: bool = False) -> Iterator[tuple]:
    """Messages in ``member_id``'s conversations that match, newest first, streamed.

    Every phrase must be in the message's text or among its conversation's people,
    every ``people`` phrase among the people, and no excluded phrase in either.
    Yields (message id, conversation id, sender name, sender company, sender id).
    ``by_member`` starts from the member's own messages instead of the index, which
    is cheaper when the member's share of the store is small (the caller judges;
    a backend whose planner chooses the join order itself may ignore it).
    """
    return backend.current().matching_messages(member_id, phrases, people=people, excluded=excluded, boxes=boxes,
                                               state=state, before=before, after=after, by_member=by_member)


def conversations_containing(conversation_ids: Sequence[int], phrases: Sequence[Phrase]) -> set[int]:
    """Which of these conversations hold a message matching any of the phrases, or people who do."""
    if not conversation_ids or not phrases:
        return set()
    return backend.current().conversations_containing(conversation_ids, phrases)


def messages_per_conversation() -> float:
    """The store's messages per conversation on average, read from the two tables' last ids."""
    return per_conversation(*last_ids())


def last_ids() -> tuple[int, int]:
    """The last message id and the last conversation id (0 for an empty table), in one read."""
    last_message, last_conversation = database.obj.execute_sql(
        "SELECT (SELECT max(id) FROM message), (SELECT max(id) FROM conversation)"
    ).fetchone()
    return last_message or 0, last_conversation or 0


def per_conversation(last_message: int, last_conversation: int) -> float:
    return max(last_message / (last_conversation or 1), 1.0)
