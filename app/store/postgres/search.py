"""PostgreSQL's full-text index: a tsvector per message, cut the way SQLite cuts words.

Search must give the same results as SQLite's FTS5 index. PostgreSQL's
text-search parser splits words its own way (e-mail addresses, hyphenated words,
locale-dependent letters), so the words are made in Python by ``app.store.words``,
as for SQLite, and handed to PostgreSQL as ready-made ``tsvector`` and ``tsquery``
values: the 'simple' configuration's job, done without its parser. Subject, body
and people carry the weights A, B and C (so a name can be looked for among the
people alone), and each field starts a fresh run of positions so that a phrase
never runs from one field into the next, as FTS5 matches phrases within a column.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from app.store.models import database
from app.store.words import words

SEARCH_TABLE = "message_search"

# Subject, body and people, in the order of the FTS5 columns.
FIELD_WEIGHTS = ("A", "B", "C")
# tsvector positions stop at 16383; lexemes must stay under 2 KB.
MAX_POSITION = 16383
MAX_LEXEME_BYTES = 2046
MAX_POSITIONS_PER_WORD = 256
# Positions skipped between fields so a phrase cannot run from one field into the next.
FIELD_GAP = 2


# Full-text search -------------------------------------------------------------------


def _quote_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def document(subject: str, body: str, people: str) -> str:
    """A tsvector literal holding the three fields with their weights and positions."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in zip((subject, body, people), FIELD_WEIGHTS):
        for word in words(text):
            position = min(position + 1, MAX_POSITION)
            if len(word.encode()) > MAX_LEXEME_BYTES:
                continue
            at = positions.setdefault(word, [])
            mark = f"{position}{weight}"
            if len(at) < MAX_POSITIONS_PER_WORD and (not at or at[-1] != mark):
                at.append(mark)
        position = min(position + FIELD_GAP, MAX_POSITION)
    return " ".join(f"{_quote_lexeme(word)}:{','.join(at)}" for word, at in positions.items())


def create_search_index() -> None:
    database.obj.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} ("
        "message_id BIGINT PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE, "
        "doc TSVECTOR NOT NULL)"
    )
    database.obj.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {SEARCH_TABLE}_doc ON {SEARCH_TABLE} USING GIN (doc)"
    )


def index_messages(rows: Iterable[Sequence]) -> None:
    """Add (message_id, subject, body, people) rows to the index."""
    values = [
        (message_id, document(subject or "", body or "", people or ""))
        for message_id, subject, body, people in rows
    ]
    if not values:
        return
    with database.obj.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {SEARCH_TABLE} (message_id, doc) VALUES (%s, %s::tsvector) "
            "ON CONFLICT (message_id) DO UPDATE SET doc = excluded.doc",
            values,
        )


# Searching: app.store.search's functions on PostgreSQL ----------------------------


def _phrase_query(phrase, weight: str = "") -> str | None:
    """One phrase as tsquery text; None when it holds no word at all.

    Its words are index words already (``app.store.words``), as FTS5 takes them.
    """
    from app.store.search import text_only

    tokens, prefix = phrase[0], phrase[1]
    if not weight and text_only(phrase):
        weight = "AB"  # subject and body, as FTS5's {subject body} column filter
    if not tokens:
        return None
    marks = [weight] * len(tokens)
    if prefix:
        marks[-1] = "*" + weight
    parts = [_quote_lexeme(token) + (f":{mark}" if mark else "") for token, mark in zip(tokens, marks)]
    return "(" + " <-> ".join(parts) + ")"


def match_query(phrases, people=(), excluded=()) -> str | None:
    """The tsquery for search.match_expression's FTS5 query; None when nothing can match.

    People phrases must match within the people field (weight C), like FTS5's
    ``people : (...)`` column filter.
    """
    parts = [_phrase_query(p) for p in phrases] + [_phrase_query(p, "C") for p in people]
    required = [part for part in parts if part is not None]
    if not required or len(required) < len(parts):
        return None
    query = " & ".join(required)
    for phrase in excluded:
        part = _phrase_query(phrase)
        if part is not None:
            query = f"({query}) & !{part}"
    return query


# Matches are read in growing batches so that a caller who stops after one page
# reads little, as with SQLite's streamed cursor.
FIRST_BATCH = 100
BOOLEAN_STATE_COLUMNS = ("has_unread", "connected", "inmail", "starred", "muted", "has_attachment")


def matching_messages(member_id, phrases, *, people=(), excluded=(), boxes, state=None,
                      before=None, after=None, by_member=False, oldest_first=False):
    """search.matching_messages on PostgreSQL: the same rows in the same order.

    ``by_member`` is accepted for the same call signature; PostgreSQL's planner
    chooses the join order itself.
    """
    from app.store.search import DELIVERED, STATE_COLUMNS

    query = match_query(phrases, people, excluded)
    if query is None:
        return
    clauses = ["f.doc @@ %s::tsquery", "s.member_id = %s", "s.box = ANY(%s)", "m.recalled_at IS NULL", DELIVERED]
    params: list = [query, member_id, list(boxes)]
    for column, value in (state or {}).items():
        if column not in STATE_COLUMNS:
            raise ValueError(f"not a searchable state column: {column}")
        if value is None:
            clauses.append(f"s.{column} IS NULL")
            continue
        clauses.append(f"s.{column} = %s")
        params.append(bool(value) if column in BOOLEAN_STATE_COLUMNS else value)
    if before is not None:
        clauses.append("m.sent_at < %s")
        params.append(before)
    if after is not None:
        clauses.append("m.sent_at >= %s")
        params.append(after)
    direction, beyond = ("ASC", ">") if oldest_first else ("DESC", "<")
    sql = (
        "SELECT m.id, m.conversation_id, p.name, p.company, m.sender_id "
        f"FROM {SEARCH_TABLE} AS f JOIN message AS m ON m.id = f.message_id "
        "JOIN conversation_state AS s ON s.conversation_id = m.conversation_id "
        "LEFT JOIN member AS p ON p.id = m.sender_id "
        "WHERE {where} "
        f"ORDER BY m.id {direction} LIMIT %s"
    )
    batch, last = FIRST_BATCH, None
    while True:
        where = list(clauses)
        page_params = list(params)
        if last is not None:
            where.append(f"m.id {beyond} %s")
            page_params.append(last)
        rows = database.obj.execute_sql(sql.format(where=" AND ".join(where)), (*page_params, batch)).fetchall()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1][0]
        batch = min(batch * 4, 10000)


def conversations_containing(conversation_ids, phrases) -> set[int]:
    """search.conversations_containing on PostgreSQL: any phrase, in any of these conversations."""
    parts = [part for part in (_phrase_query(p) for p in phrases) if part is not None]
    if not conversation_ids or not parts:
        return set()
    rows = database.obj.execute_sql(
        f"SELECT DISTINCT m.conversation_id FROM message AS m JOIN {SEARCH_TABLE} AS f "
        "ON f.message_id = m.id WHERE m.conversation_id = ANY(%s) AND m.recalled_at IS NULL "
        "AND f.doc @@ %s::tsquery",
        (list(conversation_ids), " | ".join(parts)),
    ).fetchall()
    return {row[0] for row in rows}
