"""SQLite's full-text index: two FTS5 tables.

``message_fts`` holds each message's subject and body, its rowid the message id.
``conversation_people`` holds, once per conversation (rowid the conversation id),
its title and the name, company and headline of everyone in it, so a name finds
the conversation. A word of a query matches a message when it is in the
message's text or among its conversation's people; the people are written once
per conversation, not once per message.

The message table is contentless and keeps no column sizes: the text already
lives in the message table, and search reads nothing from it but which
messages match. A recalled message keeps its row; every search skips recalled
messages, as their text is no longer shown. The people table keeps its text
(folded), so that a conversation's row can be replaced when its people change.

Both tables hold the words of ``app.store.words``, folded in Python
(``index_text``), which their tokenizer only splits.
"""

from __future__ import annotations

import heapq
import json
import sqlite3
from typing import Iterable, Iterator, Sequence

from app.store.models import database
from app.store.words import SQL_FUNCTION, TOKENIZER, add_sql_function, index_text
from app.store.search import (
    DELIVERED,
    STATE_COLUMNS,
    Phrase,
    last_ids,
    people_text,
    per_conversation,
    text_only,
)

FTS_TABLE = "message_fts"
REBUILT_AT_ONCE = 5000
PEOPLE_TABLE = "conversation_people"


def create_index() -> None:
    database.obj.execute_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        f"subject, body, content = '', columnsize = 0, {TOKENIZER})"
    )
    create_people_index()


def create_people_index() -> None:
    """The people of each conversation."""
    database.obj.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {PEOPLE_TABLE} USING fts5(people, {TOKENIZER})")


def add_people_index() -> None:
    """Schema step 2: people move from every message to their conversation.

    Stores made before keep their message table, people column and all; every
    search reads only its subject and body now, so the same queries work on it.
    """
    create_people_index()
    ids = [row[0] for row in database.obj.execute_sql("SELECT id FROM conversation ORDER BY id")]
    for start in range(0, len(ids), 5000):
        refresh_people(ids[start:start + 5000])


def rebuild_index() -> None:
    """Both tables made anew (their tokenizer may have changed with their words) and filled
    from the messages and the conversations, REBUILT_AT_ONCE messages at a time so that
    memory stays bounded whatever the store's size."""
    db = database.obj
    for table in (FTS_TABLE, PEOPLE_TABLE):
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
    create_index()
    start_bulk_load(db.connection())
    add_sql_function(db.connection())
    last = db.execute_sql("SELECT max(id) FROM message").fetchone()[0] or 0
    for first in range(1, last + 1, REBUILT_AT_ONCE):
        db.execute_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, subject, body) "
            f"SELECT id, {SQL_FUNCTION}(subject), {SQL_FUNCTION}(body) FROM message WHERE id BETWEEN ? AND ? "
            "ORDER BY id",
            (first, min(first + REBUILT_AT_ONCE - 1, last)),
        )
    add_people_index()
    end_bulk_load(db.connection())


# FTS5 settings a bulk writer changes for its load, (bulk, default) each, and sets back
# before its transaction ends: they are kept in the index itself.
# - hashsize: new terms are gathered in memory and written out as a segment whenever
#   this many bytes are pending; fewer, larger segments mean far less merging.
# - automerge: how many segments of a size wait before they are merged into one; a load
#   merges less often (a tenth less work), and merges the rest as it ends (end_bulk_load).
BULK_SETTINGS = {"hashsize": (32 << 20, 1 << 20), "automerge": (8, 4)}
SET_FTS_SETTING = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES (?, ?)"
# Up to this many pages of merging a step, and only where a level holds as many segments as the
# default settings allow (FTS5's 'merge' with a positive count).
MERGE_STEP = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('merge', 2000)"


def start_bulk_load(connection: sqlite3.Connection) -> None:
    """The index's settings for a load, in the load's transaction (``end_bulk_load`` sets them back)."""
    connection.executemany(SET_FTS_SETTING, _settings(bulk=True))


def end_bulk_load(connection: sqlite3.Connection) -> None:
    """Set the index's settings back, and do now the merging they would have done during the
    load: left to the writes after it, the first write to find a level full merged it whole
    (a send rewrote some 30 MB of the index, 190 ms, after a 10,000,000-message load)."""
    connection.executemany(SET_FTS_SETTING, _settings(bulk=False))
    while True:
        before = connection.total_changes
        connection.execute(MERGE_STEP)
        if connection.total_changes - before < 2:  # FTS5's sign that nothing was left to merge
            return


def _settings(*, bulk: bool) -> list[tuple[str, int]]:
    """(name, value) of each of BULK_SETTINGS: for a load, or back to the defaults."""
    return [(name, values[0] if bulk else values[1]) for name, values in BULK_SETTINGS.items()]


MESSAGE_TEXT_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, subject, body) VALUES (?, ?, ?)"
PEOPLE_INSERT = f"INSERT INTO {PEOPLE_TABLE}(rowid, people) VALUES (?, ?)"


def index_messages(rows: Sequence[Sequence]) -> None:
    """Add (message_id, subject, body, people) rows: their text (people are filed per conversation)."""
    database.obj.cursor().executemany(
        MESSAGE_TEXT_INSERT, [(row[0], index_text(row[1]), index_text(row[2])) for row in rows]
    )


def index_message(message_id: int, subject: str, body: str) -> None:
    database.obj.execute_sql(MESSAGE_TEXT_INSERT, (message_id, index_text(subject), index_text(body)))


class _Found(set):
    """Conversation ids as SQLite listed them, keeping that list's JSON text to hand back.

    A set made from it by set operations is a plain set, without the text; changed in
    place, it would hand back the old text, so nothing changes one in place."""

    def __init__(self, text: str) -> None:
        super().__init__(json.loads(text))
        self.json = text


def _id_list(ids: Iterable[int]) -> str:
    """Ids as a JSON array, for ``IN (SELECT value FROM json_each(?))``."""
    if isinstance(ids, _Found):
        return ids.json  # a common word's people run to tens of thousands: not written out again
    return "[" + ",".join(map(str, ids)) + "]"


def refresh_people(conversation_ids: Sequence[int]) -> None:
    """Make the people rows of these conversations match the store: their title, creator
    and every member who has a view of them, left or not."""
    db = database.obj
    wanted = _id_list(conversation_ids)
    titles = dict(db.execute_sql(
        "SELECT id, title FROM conversation WHERE id IN (SELECT value FROM json_each(?))", (wanted,)
    ).fetchall())
    members: dict[int, set[int]] = {conversation: set() for conversation in titles}
    for conversation, member in db.execute_sql(
        "SELECT conversation_id, member_id FROM conversation_state WHERE conversation_id IN "
        "(SELECT value FROM json_each(?1)) UNION ALL SELECT id, created_by_id FROM conversation "
        "WHERE id IN (SELECT value FROM json_each(?1)) AND created_by_id IS NOT NULL",
        (wanted,),
    ):
        members[conversation].add(member)
    everyone = set().union(*members.values()) if members else set()
    person = {
        row[0]: row[1:]
        for row in db.execute_sql(
            "SELECT id, name, company, headline FROM member WHERE id IN (SELECT value FROM json_each(?))",
            (_id_list(everyone),),
        )
    }
    texts = {
        conversation: index_text(people_text(titles[conversation], (person[m] for m in sorted(ids) if m in person)))
        for conversation, ids in members.items()
    }
    stored = dict(db.execute_sql(
        f"SELECT rowid, people FROM {PEOPLE_TABLE} WHERE rowid IN (SELECT value FROM json_each(?))", (wanted,)
    ).fetchall())
    changed = [(conversation, text) for conversation, text in texts.items() if stored.get(conversation) != text]
    stale = [conversation for conversation, _ in changed if conversation in stored]
    if stale:
        db.execute_sql(f"DELETE FROM {PEOPLE_TABLE} WHERE rowid IN (SELECT value FROM json_each(?))",
                       (_id_list(stale),))
    db.cursor().executemany(PEOPLE_INSERT, changed)


# --- Searching -------------------------------------------------------------

# A search that lists every message of some conversations reads them through the
# conversation index and sorts them when they are this few. Otherwise they are common
# enough to be met soon walking the message ids down from the newest, a window of
# WINDOW ids at a time, so a caller who stops after a page reads little.
SORTED_MESSAGES = 5_000
WINDOW = 100_000
CONVERSATION_INDEX = "message_conversation_id_sent_at_id"


def _quoted(phrase: Phrase) -> str:
    words, prefix = phrase[0], phrase[1]
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def text_expression(phrases: Sequence[Phrase], excluded: Sequence[Phrase] = ()) -> str:
    """The FTS5 query over message text: every phrase in the subject or body, none excluded.

    The column filter keeps stores made before people moved to their conversation
    (whose message rows still hold a people column) answering the same.
    """
    expression = " AND ".join(_in_text([p]) for p in phrases)
    if excluded:
        # One flat NOT (a OR b ...): nesting a NOT per word overflows the parser's stack.
        expression = f"({expression}) NOT {_in_text(excluded)}"
    return expression


def _in_text(phrases: Sequence[Phrase]) -> str:
    """The FTS5 query for a subject or body holding any of the phrases."""
    return "{subject body} : (" + " OR ".join(_quoted(p) for p in phrases) + ")"


def people_expression(phrases: Sequence[Phrase], *, every: bool = True) -> str:
    """The FTS5 query over people: every phrase (or, with ``every`` off, any)."""
    return (" AND " if every else " OR ").join(_quoted(p) for p in phrases)


def conversations_named(phrases: Sequence[Phrase], *, every: bool = True) -> set[int]:
    """Conversations whose people hold every phrase (or, with ``every`` off, any)."""
    if not phrases:
        return set()
    # One JSON text of ids, not a row each: a common word's people run to tens of thousands.
    found = database.obj.execute_sql(
        f"SELECT json_group_array(rowid) FROM {PEOPLE_TABLE} WHERE {PEOPLE_TABLE} MATCH ?",
        (people_expression(phrases, every=every),),
    ).fetchone()[0]
    return _Found(found) if found != "[]" else set()


def _sql_time(value):
    # Peewee keeps SQLite datetimes as ISO text with a space; compare like for like.
    return value.isoformat(" ")


def _state_filters(boxes: Sequence[int], state: dict[str, object]) -> tuple[list[str], list]:
    clauses = [f"s.box IN ({', '.join('?' for _ in boxes)})", "m.recalled_at IS NULL", DELIVERED]
    params: list = list(boxes)
    for column, value in state.items():
        if column not in STATE_COLUMNS:
            raise ValueError(f"not a searchable state column: {column}")
        if value is None:
            clauses.append(f"s.{column} IS NULL")
            continue
        clauses.append(f"s.{column} = ?")
        params.append(value)
    return clauses, params


def matching_messages(member_id: int, phrases: Sequence[Phrase], *, people: Sequence[Phrase] = (),
                      excluded: Sequence[Phrase] = (), boxes: Sequence[int],
                      state: dict[str, object] | None = None, before=None, after=None,
                      by_member: bool = False) -> Iterator[tuple]:
    """app.store.search.matching_messages on FTS5.

    By default the indexes drive: matches are read newest first and joined to the
    member's state, so a caller that stops after a page reads only that far.
    ``by_member`` starts from the member's own messages instead.
    """
    clauses, params = _state_filters(boxes, state or {})
    if before is not None:
        clauses.append("m.sent_at < ?")
        params.append(_sql_time(before))
    if after is not None:
        clauses.append("m.sent_at >= ?")
        params.append(_sql_time(after))
    source = (_MemberSource if by_member else _IndexSource)(member_id, clauses, params, excluded)
    # Conversations whose people hold an excluded phrase are out whole.
    barred = conversations_named([p for p in excluded if not text_only(p)], every=False)
    required = None
    if people:
        required = _without(conversations_named(people), barred)
        if not required:
            return
    # Which of the phrases each conversation's people hold: a conversation whose people
    # hold some needs only the others in a message's text.
    named = [i for i, phrase in enumerate(phrases) if not text_only(phrase)]
    holders = {}
    for i in named:
        found = _without(conversations_named([phrases[i]]), barred)
        holders[i] = found if required is None else found & required
    groups = _by_phrases_held(holders)
    if phrases:
        streams = [source.text(phrases, required, barred)]
    else:
        streams = [source.every_message(required)]
    for held, conversations in groups.items():
        rest = [phrase for i, phrase in enumerate(phrases) if i not in held]
        streams.append(source.text(rest, conversations, ()) if rest else source.every_message(conversations))
    yield from _newest_first(streams)


def _without(conversations: set[int], barred: set[int]) -> set[int]:
    return conversations - barred if barred else conversations


def _by_phrases_held(holders: dict[int, set[int]]) -> dict[frozenset[int], set[int]]:
    """The conversations holding some of the phrases, grouped by exactly which ones."""
    groups: dict[frozenset[int], set[int]] = {}
    if len(holders) == 1:
        return {frozenset(holders): found for found in holders.values() if found}
    if len(holders) <= 4:
        # Set algebra over each combination: a common word's people run to tens of thousands.
        phrases = list(holders)
        for mask in range(1, 1 << len(phrases)):
            held = [i for n, i in enumerate(phrases) if mask >> n & 1]
            found = set.intersection(*(holders[i] for i in held))
            for n, i in enumerate(phrases):
                if not mask >> n & 1 and found:
                    found = found - holders[i]
            if found:
                groups[frozenset(held)] = found
        return groups
    for conversation in set().union(*holders.values()):
        groups.setdefault(frozenset(i for i in holders if conversation in holders[i]), set()).add(conversation)
    return groups


def _newest_first(streams: list[Iterator[tuple]]) -> Iterator[tuple]:
    """The streams (each newest first) as one, each message once."""
    if len(streams) == 1:
        yield from streams[0]
        return
    last = None
    for row in heapq.merge(*streams, key=lambda row: row[0], reverse=True):
        if row[0] != last:
            last = row[0]
            yield row


class _IndexSource:
    """Matches read from the indexes, newest first, joined to the member's state as they come."""

    SELECT = "SELECT m.id, m.conversation_id, p.name, p.company, m.sender_id "
    SENDER = "LEFT JOIN member AS p ON p.id = m.sender_id "

    def __init__(self, member_id: int, clauses: list[str], params: list, excluded: Sequence[Phrase]):
        self.member_id = member_id
        self.clauses = clauses
        self.params = params
        self.excluded = excluded
        self._unwanted: set[int] | None = None

    def _within(self, conversations, barred) -> tuple[list[str], list]:
        clauses, params = [], []
        if conversations is not None:
            clauses.append("m.conversation_id IN (SELECT value FROM json_each(?))")
            params.append(_id_list(conversations))
        if barred:
            clauses.append("m.conversation_id NOT IN (SELECT value FROM json_each(?))")
            params.append(_id_list(barred))
        return clauses, params

    def text(self, phrases, conversations, barred) -> Iterator[tuple]:
        """Messages whose text holds every phrase and no excluded one, in these conversations (None: any)."""
        within, within_params = self._within(conversations, barred)
        # CROSS JOIN fixes SQLite's join order: it is the plan, not a hint.
        sql = (
            self.SELECT + f"FROM {FTS_TABLE} AS f CROSS JOIN message AS m CROSS JOIN conversation_state AS s "
            + self.SENDER + f"WHERE f.{FTS_TABLE} MATCH ? AND m.id = f.rowid "
            "AND s.conversation_id = m.conversation_id AND s.member_id = ? "
            f"AND {' AND '.join(self.clauses + within)} ORDER BY f.rowid DESC"
        )
        yield from self._rows(sql, [text_expression(phrases, self.excluded), self.member_id, *self.params,
                                    *within_params])

    def every_message(self, conversations) -> Iterator[tuple]:
        """Every message of these conversations whose text holds no excluded phrase."""
        within, within_params = self._within(conversations, ())
        sql = (
            self.SELECT + "FROM message AS m {access} CROSS JOIN conversation_state AS s " + self.SENDER
            + "WHERE s.conversation_id = m.conversation_id AND s.member_id = ? "
            f"AND {' AND '.join(self.clauses + within)} {{window}} ORDER BY m.id DESC"
        )
        params = [self.member_id, *self.params, *within_params]
        last_message, last_conversation = last_ids()
        if len(conversations) * per_conversation(last_message, last_conversation) <= SORTED_MESSAGES:
            rows = self._rows(sql.format(access=f"INDEXED BY {CONVERSATION_INDEX}", window=""), params)
        else:
            rows = self._windows(sql.format(access="NOT INDEXED", window="AND m.id BETWEEN ? AND ?"), params,
                                 last_message)
        if not self.excluded:
            yield from rows
            return
        unwanted = self.unwanted()
        yield from (row for row in rows if row[0] not in unwanted)

    def _windows(self, sql: str, params: list, top: int) -> Iterator[tuple]:
        """The rows of ``sql`` over the message ids from ``top`` down, WINDOW ids at a time."""
        for high in range(top, 0, -WINDOW):
            yield from self._rows(sql, [*params, max(1, high - WINDOW + 1), high])

    def unwanted(self) -> set[int]:
        """Messages whose text holds an excluded phrase (read once, when first needed)."""
        if self._unwanted is None:
            rows = database.obj.execute_sql(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?",
                                            (_in_text(self.excluded),))
            self._unwanted = {row[0] for row in rows}
        return self._unwanted

    @staticmethod
    def _rows(sql: str, params: list) -> Iterator[tuple]:
        cursor = database.obj.cursor()
        try:
            cursor.execute(sql, params)
            yield from cursor
        finally:
            cursor.close()


class _MemberSource(_IndexSource):
    """The member's own messages first, then the index read newest first across just their range.

    Asking the index about one message at a time would expand a word's prefix again for
    every message, so the index is read once and its matches checked against the member's.
    """

    def __init__(self, member_id: int, clauses: list[str], params: list, excluded: Sequence[Phrase]):
        super().__init__(member_id, clauses, params, excluded)
        self.mine = dict(
            database.obj.execute_sql(
                "SELECT m.id, m.conversation_id FROM conversation_state AS s CROSS JOIN message AS m "
                f"WHERE s.member_id = ? AND m.conversation_id = s.conversation_id AND {' AND '.join(clauses)}",
                [member_id, *params],
            ).fetchall()
        )

    def text(self, phrases, conversations, barred) -> Iterator[tuple]:
        if not self.mine:
            return
        within = None if conversations is None else set(conversations)
        cursor = database.obj.cursor()
        try:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ? "
                "ORDER BY rowid DESC",
                [text_expression(phrases, self.excluded), min(self.mine), max(self.mine)],
            )
            for (message_id,) in cursor:
                conversation_id = self.mine.get(message_id)
                if conversation_id is None or conversation_id in barred:
                    continue
                if within is None or conversation_id in within:
                    yield self._with_sender(message_id, conversation_id)
        finally:
            cursor.close()

    def every_message(self, conversations) -> Iterator[tuple]:
        within = set(conversations)
        unwanted = self.unwanted() if self.excluded else set()
        for message_id in sorted((m for m, c in self.mine.items() if c in within), reverse=True):
            if message_id not in unwanted:
                yield self._with_sender(message_id, self.mine[message_id])

    @staticmethod
    def _with_sender(message_id: int, conversation_id: int) -> tuple:
        sender_id, name, company = database.obj.execute_sql(
            "SELECT m.sender_id, p.name, p.company FROM message AS m "
            "LEFT JOIN member AS p ON p.id = m.sender_id WHERE m.id = ?",
            (message_id,),
        ).fetchone()
        return message_id, conversation_id, name, company, sender_id


def conversations_containing(conversation_ids: Sequence[int], phrases: Sequence[Phrase]) -> set[int]:
    """app.store.search.conversations_containing on FTS5."""
    named = conversations_named([p for p in phrases if not text_only(p)], every=False)
    found = named.intersection(conversation_ids)
    marks = ", ".join("?" for _ in conversation_ids)
    db = database.obj
    # As in _MemberSource: their messages first, then one read of the index over their range.
    theirs = dict(
        db.execute_sql(
            f"SELECT id, conversation_id FROM message WHERE conversation_id IN ({marks}) AND recalled_at IS NULL",
            list(conversation_ids),
        ).fetchall()
    )
    if not theirs:
        return found
    rows = db.execute_sql(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ?",
        [_in_text(phrases), min(theirs), max(theirs)],
    )
    return found | {theirs[message_id] for (message_id,) in rows if message_id in theirs}
