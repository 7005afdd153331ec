"""The benchmark store on PostgreSQL: the SQLite build, copied table by table with COPY.

The synthetic store is made once, by the SQLite builder (``app.bench.data``), in a
file of its own; every table is then streamed into the PostgreSQL database with
COPY through psycopg 3, in one transaction that notes no change per row. The
full-text documents are made as ``app.store.postgres.bulk`` makes them (a message,
its sender, its conversation's people) and copied too, the GIN index built after.
Ids are kept, so the facts the builder wrote down hold on either backend.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import asdict
from urllib.parse import quote
from typing import Iterable, Iterator, Sequence


from app.bench.data import BENCH_KEY, BenchStore
from app.store import counts
from app.store.db import open_store, write
from app.store.errors import redacted
from app.store.models import ALL_MODELS, Change, Meta
from app.store.postgres.search import SEARCH_TABLE, document
from app.store.search import people_text

SEARCH_INDEX = f"{SEARCH_TABLE}_doc"


def existing(url: str) -> BenchStore | None:
    """The facts of the benchmark store in this database, None where it holds no Parley store.

    A Parley store that is not a benchmark store is refused (None is never said of one).
    """
    from app.store.postgres.connect import connect_postgres

    db = connect_postgres(url)
    try:
        if "meta" not in db.get_tables():
            return None
        row = db.execute_sql("SELECT value FROM meta WHERE key = %s", (BENCH_KEY,)).fetchone()
    finally:
        db.close()
    if row is None:
        raise ValueError("not a benchmark store")
    facts = json.loads(row[0])
    facts["inmail_to"] = tuple(facts["inmail_to"])
    facts["searches"] = tuple(facts["searches"])
    return BenchStore(**facts)


@contextmanager
def scratch_schema(url: str, name: str) -> Iterator[str]:
    """A new schema ``name`` in the database at ``url``, as a URL whose connections work in it;
    dropped with everything in it afterwards."""
    from app.store.postgres.connect import connect_postgres

    admin = connect_postgres(url)
    try:
        admin.execute_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.execute_sql(f'CREATE SCHEMA "{name}"')
        option = "options=" + quote(f"-csearch_path={name}", safe="")
        yield url + ("&" if "?" in url else "?") + option
    finally:
        admin.execute_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.close()


def copy_store(source: str, url: str, facts: BenchStore) -> None:
    """Copy the benchmark store at ``source`` (SQLite) into the empty database at ``url``."""
    store = open_store(url)
    models = [model for model in ALL_MODELS if model not in (Meta, Change)]  # parents before children
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with write(bulk=True):
            conn = store.db.connection()
            store.db.execute_sql(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
            # The kept counts are copied with the tables: the states' triggers would count them twice.
            store.db.execute_sql(f'ALTER TABLE "{counts.SOURCE}" DISABLE TRIGGER USER')
            for model in models:
                columns = ", ".join(f'"{field.column_name}"' for field in model._meta.sorted_fields)
                table = model._meta.table_name
                _copy(conn, table, columns, src.execute(f'SELECT {columns} FROM "{table}"'))
                if model._meta.auto_increment:
                    store.db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                         f'GREATEST(1, (SELECT max(id) FROM "{table}")))')
            store.db.execute_sql(f'ALTER TABLE "{counts.SOURCE}" ENABLE TRIGGER USER')
            _copy(conn, SEARCH_TABLE, "message_id, doc", _documents(src))
            store.db.execute_sql(f"CREATE INDEX {SEARCH_INDEX} ON {SEARCH_TABLE} USING GIN (doc)")
            Meta.create(key=BENCH_KEY, value=json.dumps({**asdict(facts), "path": redacted(url)}))
        # Every page written once more now, with its rows marked visible to all, rather than
        # by the first readers; and the planner's statistics of the tables as loaded.
        store.db.execute_sql("VACUUM (ANALYZE)")
    finally:
        src.close()
        store.close()


def _copy(conn, table: str, columns: str, rows: Iterable[Sequence]) -> None:
    with conn.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _documents(src: sqlite3.Connection) -> Iterator[tuple[int, str]]:
    """(message id, tsvector) of every message, as the PostgreSQL store's bulk index makes them."""
    person = {row[0]: row[1:] for row in src.execute("SELECT id, name, company, headline FROM member")}
    members: dict[int, set[int]] = {}
    for conversation, member in src.execute("SELECT conversation_id, member_id FROM conversation_state"):
        members.setdefault(conversation, set()).add(member)
    people = {}
    for conversation, title, creator in src.execute("SELECT id, title, created_by_id FROM conversation"):
        everyone = members.pop(conversation, set()) | ({creator} if creator is not None else set())
        people[conversation] = people_text(title, (person[m] for m in sorted(everyone) if m in person))
    messages = src.execute("SELECT id, conversation_id, sender_id, subject, body FROM message ORDER BY id")
    for message_id, conversation, sender, subject, body in messages:
        filed = people[conversation]
        if sender in person:
            name, company, headline = person[sender]
            filed = f"{name} {company} {headline} {filed}"
        yield message_id, document(subject or "", body or "", filed)
