"""The full-text index of messages, kept in sync by the store.

SQLite: an FTS5 table whose rowid is the message id, with three columns:
subject, body, and ``people`` (names, companies and headlines of the sender and
the conversation's other side, so a name finds the conversation). The core
never writes SQL for the index; it calls these functions.

The table is contentless and keeps no column sizes: the text already lives in
the message table, and search reads nothing from the index but which messages
match. A recalled message keeps its row in the index; every search skips
recalled messages, as their text is no longer shown.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from peewee import SqliteDatabase

from app.store.models import database

FTS_TABLE = "message_fts"


def _sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def create_index(store) -> None:
    if _sqlite():
        store.db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "subject, body, people, content = '', columnsize = 0, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        from app.store.postgres import create_search_index

        create_search_index(store)


# FTS5 gathers new terms in memory and writes them out as a segment whenever this much
# is pending (1 MiB by default). A bulk writer raises it for its load (fewer, larger
# segments mean far less merging) and sets it back before its transaction ends: the
# setting is kept in the index itself. SQLite only.
BULK_PENDING_BYTES = 32 << 20
DEFAULT_PENDING_BYTES = 1 << 20
SET_PENDING_BYTES = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', ?)"


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


# --- Searching -------------------------------------------------------------
#
# A phrase is (words, prefix): index words that must appear together in order;
# with prefix the last word matches any word it starts. The core hands over
# phrases already reduced to letters and digits, so a query can never break the
# index's syntax. PostgreSQL's twin of each function lives in app.store.postgres.

Phrase = tuple[Sequence[str], bool]

# ConversationState columns a search may require to equal a value.
STATE_COLUMNS = ("folder", "has_unread", "connected", "inmail", "starred", "muted", "has_attachment")


# A phrase may carry a third element, TEXT_ONLY: it then matches subjects and bodies
# but not the people column. A word of the searcher's own name, company or headline
# stands in the people column of every conversation they are in, so it would match all.
TEXT_ONLY = "text"


def text_only(phrase: Phrase) -> bool:
    return len(phrase) > 2 and phrase[2] == TEXT_ONLY


def _fts_phrase(phrase: Phrase) -> str:
    words, prefix = phrase[0], phrase[1]
    quoted = '"' + " ".join(words) + '"' + ("*" if prefix else "")
    return "{subject body} : (" + quoted + ")" if text_only(phrase) else quoted


def match_expression(phrases: Sequence[Phrase], people: Sequence[Phrase] = (),
                     excluded: Sequence[Phrase] = ()) -> str:
    """The FTS5 query: every phrase anywhere, every ``people`` phrase among the names, none excluded."""
    parts = [_fts_phrase(p) for p in phrases]
    parts += [f"people : ({_fts_phrase(p)})" for p in people]
    expression = " AND ".join(parts)
    if excluded:
        # One flat NOT (a OR b ...): nesting a NOT per word overflows the parser's stack.
        expression = f"({expression}) NOT ({' OR '.join(_fts_phrase(p) for p in excluded)})"
    return expression


def _sql_time(value):
    # Peewee keeps SQLite datetimes as ISO text with a space; compare like for like.
    return value.isoformat(" ")


def _state_filters(boxes: Sequence[int], state: dict[str, object]) -> tuple[list[str], list]:
    clauses = [f"s.box IN ({', '.join('?' for _ in boxes)})", "m.recalled_at IS NULL"]
    params: list = list(boxes)
    for column, value in state.items():
        if column not in STATE_COLUMNS:
            raise ValueError(f"not a searchable state column: {column}")
        clauses.append(f"s.{column} = ?")
        params.append(value)
    return clauses, params


def matching_messages(member_id: int, phrases: Sequence[Phrase], *, people: Sequence[Phrase] = (),
                      excluded: Sequence[Phrase] = (), boxes: Sequence[int],
                      state: dict[str, object] | None = None, before=None, after=None,
                      by_member: bool = False) -> Iterator[tuple]:
    """Messages in ``member_id``'s conversations that match, newest first, streamed.

    Yields (message id, conversation id, sender name, sender company, sender id).
    By default the index drives: matches are read newest first and joined to the
    member's state, so a caller that stops after a page reads only that far.
    ``by_member`` starts from the member's own messages instead, which is cheaper
    when the member's share of the store is small (the caller judges).
    """
    if not _sqlite():
        from app.store.postgres import matching_messages as pg_matching

        yield from pg_matching(member_id, phrases, people=people, excluded=excluded, boxes=boxes,
                               state=state, before=before, after=after, by_member=by_member)
        return
    clauses, params = _state_filters(boxes, state or {})
    if before is not None:
        clauses.append("m.sent_at < ?")
        params.append(_sql_time(before))
    if after is not None:
        clauses.append("m.sent_at >= ?")
        params.append(_sql_time(after))
    expression = match_expression(phrases, people, excluded)
    if by_member:
        yield from _member_matches(member_id, expression, clauses, params)
        return
    # CROSS JOIN fixes SQLite's join order: it is the plan, not a hint.
    sql = (
        "SELECT m.id, m.conversation_id, p.name, p.company, m.sender_id "
        f"FROM {FTS_TABLE} AS f CROSS JOIN message AS m CROSS JOIN conversation_state AS s "
        "LEFT JOIN member AS p ON p.id = m.sender_id "
        f"WHERE f.{FTS_TABLE} MATCH ? AND m.id = f.rowid "
        "AND s.conversation_id = m.conversation_id AND s.member_id = ? "
        f"AND {' AND '.join(clauses)} "
        "ORDER BY f.rowid DESC"
    )
    params = [expression, member_id, *params]
    cursor = database.obj.cursor()
    try:
        cursor.execute(sql, params)
        yield from cursor
    finally:
        cursor.close()


def _member_matches(member_id: int, expression: str, clauses: list[str], params: list) -> Iterator[tuple]:
    """The member's own messages first, then the index read newest first across just their range.

    Asking the index about one message at a time would expand a word's prefix again for
    every message, so the index is read once and its matches checked against the member's.
    """
    db = database.obj
    mine = dict(
        db.execute_sql(
            "SELECT m.id, m.conversation_id FROM conversation_state AS s CROSS JOIN message AS m "
            f"WHERE s.member_id = ? AND m.conversation_id = s.conversation_id AND {' AND '.join(clauses)}",
            [member_id, *params],
        ).fetchall()
    )
    if not mine:
        return
    cursor = db.cursor()
    try:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ? "
            "ORDER BY rowid DESC",
            [expression, min(mine), max(mine)],
        )
        for (message_id,) in cursor:
            conversation_id = mine.get(message_id)
            if conversation_id is None:
                continue
            sender_id, name, company = db.execute_sql(
                "SELECT m.sender_id, p.name, p.company FROM message AS m "
                "LEFT JOIN member AS p ON p.id = m.sender_id WHERE m.id = ?",
                (message_id,),
            ).fetchone()
            yield message_id, conversation_id, name, company, sender_id
    finally:
        cursor.close()


def conversations_containing(conversation_ids: Sequence[int], phrases: Sequence[Phrase]) -> set[int]:
    """Which of these conversations hold a message matching any of the phrases."""
    if not conversation_ids or not phrases:
        return set()
    if not _sqlite():
        from app.store.postgres import conversations_containing as pg_containing

        return pg_containing(conversation_ids, phrases)
    expression = " OR ".join(_fts_phrase(p) for p in phrases)
    marks = ", ".join("?" for _ in conversation_ids)
    db = database.obj
    # As in _member_matches: their messages first, then one read of the index over their range.
    theirs = dict(
        db.execute_sql(
            f"SELECT id, conversation_id FROM message WHERE conversation_id IN ({marks}) AND recalled_at IS NULL",
            list(conversation_ids),
        ).fetchall()
    )
    if not theirs:
        return set()
    rows = db.execute_sql(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ?",
        [expression, min(theirs), max(theirs)],
    )
    return {theirs[message_id] for (message_id,) in rows if message_id in theirs}
