"""Writing many rows in one transaction: plain statements, ids handed out ahead, and
the full-text index made by the store from the messages themselves.

An import writes hundreds of thousands of rows at once; Peewee's per-row model
work would cost more than the store's own. These helpers speak to the tables
directly, on SQLite and on PostgreSQL, inside the caller's ``write()``.
"""

from __future__ import annotations

import queue
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from peewee import JOIN, SqliteDatabase

from app.store import search
from app.store.models import Member, Message, database
from app.store.words import SQL_FUNCTION, add_sql_function, is_ascii_sql

# Messages whose subject and body are all ASCII: FTS5 takes their text as it is.
ASCII_ROW = f"{is_ascii_sql('subject')} AND {is_ascii_sql('body')}"


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def insert_sql(model, fields: Sequence[str]) -> str:
    meta = model._meta
    columns = ", ".join(f'"{meta.fields[name].column_name}"' for name in fields)
    params = ", ".join([database.obj.param] * len(fields))
    return f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({params})'


def insert_rows(model, fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples in ``fields`` order) with one executemany."""
    if rows:
        database.obj.cursor().executemany(insert_sql(model, fields), rows)


def rows_where_in(model, fields: Sequence[str], key: str, values: Sequence) -> Iterator[tuple]:
    """``fields`` of the rows whose ``key`` is one of ``values``, asked 500 values at a time.

    Plain SQL: for lists this long, building the query through Peewee costs more
    than the lookup itself.
    """
    meta = model._meta
    columns = ", ".join(f'"{meta.fields[name].column_name}"' for name in fields)
    key_column = meta.fields[key].column_name
    for start in range(0, len(values), 500):
        chunk = list(values[start:start + 500])
        marks = ", ".join([database.obj.param] * len(chunk))
        yield from database.obj.execute_sql(
            f'SELECT {columns} FROM "{meta.table_name}" WHERE "{key_column}" IN ({marks})', chunk
        ).fetchall()


@contextmanager
def indexes_rebuilt(model, adding: int) -> Iterator[None]:
    """Add ``adding`` rows to ``model``'s table inside the block, its secondary indexes made afresh after.

    Building an index from all the rows at once costs far less than keeping it up
    row by row, so on SQLite, when the rows added outnumber those already there,
    the indexes are dropped for the block and made again at its end, inside the
    same transaction (a failure rolls the drop back too). Queries on the table
    inside the block would scan it: the block should only insert.
    """
    table = model._meta.table_name
    if not is_sqlite() or adding <= database.obj.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
        yield
        return
    indexes = database.obj.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
    ).fetchall()
    for name, _sql in indexes:
        database.obj.execute_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        database.obj.execute_sql(sql)


def take_ids(model, n: int) -> Sequence[int]:
    """``n`` new ids for ``model``'s rows, so that related rows can point at them before they exist.

    SQLite: the ids after the largest, safe because the write transaction holds the
    write lock from its start. PostgreSQL: drawn from the table's sequence.
    """
    if n <= 0:
        return range(0)
    table = model._meta.table_name
    if is_sqlite():
        row = database.obj.execute_sql(f'SELECT max(id) FROM "{table}"').fetchone()
        first = (row[0] or 0) + 1
        return range(first, first + n)
    cursor = database.obj.execute_sql(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (table, n)
    )
    return [row[0] for row in cursor.fetchall()]


class MessageIndex:
    """Full-text rows for messages written in bulk, made from the stored messages.

    Use as a context manager around the writing, calling ``add(first_id, last_id)``
    after each batch of messages. On PostgreSQL a message's document also holds its
    people: its sender's name, company and headline followed by its conversation's
    people (title and names, by conversation id, from ``people()``, asked for only
    there). SQLite keeps people per conversation: the caller refreshes them
    (``search.refresh_people``) once the conversations' states are written.

    On SQLite a second thread runs one INSERT … SELECT per batch on the same
    connection: the text never passes through Python and SQLite lets go of the
    interpreter while it tokenizes, so the caller reads its next batch meanwhile. It
    takes the messages whose text is all ASCII, which the index holds as written;
    the others are folded (``app.store.words``) on leaving the block.
    Leaving the block waits for that thread, so nothing is indexed after the
    transaction ends. On PostgreSQL the rows are read back and indexed by
    ``search.index_messages`` in the caller's thread.
    """

    def __init__(self, people: Callable[[], dict[int, str]]) -> None:
        self._people = people
        self.people: dict[int, str] = {}  # PostgreSQL's, made on entering
        self._batches: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._spans: list[tuple[int, int]] = []  # indexed by the worker, all but text to fold

    def __enter__(self) -> "MessageIndex":
        if is_sqlite():
            db = database.obj
            self._fts_settings(bulk=True)
            # Peewee keeps a connection per thread: the worker must use this one, inside this transaction.
            self._worker = threading.Thread(target=self._work, args=(db.connection(),), name="bulk-message-index",
                                            daemon=True)
            self._worker.start()
        else:
            self.people = self._people()
        return self

    def add(self, first_id: int, last_id: int) -> None:
        """Index the messages whose ids run from ``first_id`` to ``last_id``."""
        if self._worker is None:
            self._index_postgres(first_id, last_id)
            return
        if self._failure is not None:
            raise self._failure
        self._batches.put((first_id, last_id))

    def __exit__(self, kind, error, trace) -> None:
        if self._worker is None:
            return
        if error is not None:
            self._failure = self._failure or error  # the worker skips what is left
        self._batches.put(None)
        self._worker.join()
        if error is None:
            if self._failure is not None:
                raise self._failure
            self._index_folded()
            self._fts_settings(bulk=False)

    def _fts_settings(self, bulk: bool) -> None:
        # Kept in the index's own settings: set back before the transaction ends (or rolled back with it).
        database.obj.cursor().executemany(search.SET_FTS_SETTING, search.bulk_settings(bulk))

    def _work(self, connection) -> None:
        while (batch := self._batches.get()) is not None:
            if self._failure is not None:
                continue
            try:
                self._index_sqlite(connection, *batch)
            except BaseException as exc:  # noqa: BLE001 - raised again in the writing thread
                self._failure = exc

    def _index_sqlite(self, connection, first_id: int, last_id: int) -> None:
        self._spans.append((first_id, last_id))
        connection.execute(
            f"INSERT INTO {search.FTS_TABLE}(rowid, subject, body) SELECT id, subject, body FROM message "
            f"WHERE id BETWEEN ? AND ? AND {ASCII_ROW} ORDER BY id",
            (first_id, last_id),
        )

    def _index_folded(self) -> None:
        # The rest, folded by a SQL function in this thread once the worker is done: one called
        # while the worker holds the connection would wait for the interpreter, which this thread
        # holds while it waits for the connection.
        db = database.obj
        add_sql_function(db.connection())
        for first_id, last_id in self._spans:
            db.execute_sql(
                f"INSERT INTO {search.FTS_TABLE}(rowid, subject, body) "
                f"SELECT id, {SQL_FUNCTION}(subject), {SQL_FUNCTION}(body) FROM message "
                f"WHERE id BETWEEN ? AND ? AND NOT ({ASCII_ROW}) ORDER BY id",
                (first_id, last_id),
            )

    def _index_postgres(self, first_id: int, last_id: int) -> None:
        rows = (
            Message.select(Message.id, Message.conversation, Message.subject, Message.body,
                           Member.name, Member.company, Member.headline)
            .join(Member, on=(Member.id == Message.sender), join_type=JOIN.LEFT_OUTER)
            .where(Message.id.between(first_id, last_id))
            .order_by(Message.id)
            .tuples()
        )
        search.index_messages(
            (message_id, subject, body,
             self.people[conversation_id] if name is None
             else f"{name} {company} {headline} {self.people[conversation_id]}")
            for message_id, conversation_id, subject, body, name, company, headline in rows
        )


class TimeOrderedInsert:
    """Rows for ``model``'s table put in any order, written at the end in order of a column.

    A table's ids are its order of writing, and the full-text index and every reader
    take a later id for a later row. When the rows arrive out of that order (an archive
    lists its newest messages first), they are gathered in a staging table and copied
    into ``model``'s table sorted, so that the ids follow the column. The rows are
    tuples whose first value is a sequence number (the order they came in, which breaks
    ties) followed by ``fields``. On SQLite the staging table lives in the store's own
    file, not in memory, and is emptied a chunk at a time, so memory stays bounded; it
    is dropped inside the caller's transaction (a failure rolls it back with the rest).
    PostgreSQL's is a temporary table, dropped at the latest at commit.
    """

    TABLE = "bulk_staging"
    CHUNK = 5000

    def __init__(self, model, fields: Sequence[str], order_by: str) -> None:
        meta = model._meta
        self.table = meta.table_name
        self.columns = ", ".join(f'"{meta.fields[name].column_name}"' for name in fields)
        self.order = f'"{meta.fields[order_by].column_name}", seq'
        self.width = len(fields) + 1
        if is_sqlite():
            # Kept in order of its key as it fills, so that each chunk is copied without a sort.
            key = meta.fields[order_by].column_name
            names = ", ".join(["seq", *(meta.fields[name].column_name for name in fields)])
            database.obj.execute_sql(f'CREATE TABLE "{self.TABLE}" ({names}, PRIMARY KEY ("{key}", seq)) '
                                     "WITHOUT ROWID")
        else:
            database.obj.execute_sql(f'CREATE TEMP TABLE "{self.TABLE}" ON COMMIT DROP AS '
                                     f'SELECT "id" AS seq, {self.columns} FROM "{self.table}" WHERE 1 = 0')

    def add(self, rows: Sequence[tuple]) -> None:
        if rows:
            marks = ", ".join([database.obj.param] * self.width)
            database.obj.cursor().executemany(f'INSERT INTO "{self.TABLE}" VALUES ({marks})', rows)

    def finish(self, written: Callable[[int, int], None]) -> None:
        """Copy the rows in order, CHUNK at a time, telling ``written`` the first and last id of each."""
        db = database.obj
        key = self.order
        if not is_sqlite():
            before = db.execute_sql(f'SELECT max("id") FROM "{self.table}"').fetchone()[0] or 0
            db.execute_sql(f'INSERT INTO "{self.table}" ({self.columns}) '
                           f'SELECT {self.columns} FROM "{self.TABLE}" ORDER BY {key}')
            db.execute_sql(f'DROP TABLE "{self.TABLE}"')
            first, last = db.execute_sql(
                f'SELECT min("id"), max("id") FROM "{self.table}" WHERE "id" > %s', (before,)
            ).fetchone()
            for start in range(first or 0, (last or -1) + 1, self.CHUNK):
                written(start, min(start + self.CHUNK - 1, last))
            return
        while True:
            # The rows left begin with the next chunk: each is copied, then deleted, in its own
            # statements. One statement over all of them (or dropping the table full) makes
            # SQLite keep an undo record in memory as large as the table.
            bounds = db.execute_sql(
                f'SELECT {key} FROM "{self.TABLE}" ORDER BY {key} LIMIT 1 OFFSET {self.CHUNK - 1}'
            ).fetchone()
            chunk = "" if bounds is None else f"WHERE ({key}) <= (?, ?)"
            before = db.execute_sql(f'SELECT max("id") FROM "{self.table}"').fetchone()[0] or 0
            db.execute_sql(f'INSERT INTO "{self.table}" ({self.columns}) '
                           f'SELECT {self.columns} FROM "{self.TABLE}" {chunk} ORDER BY {key}', bounds or ())
            db.execute_sql(f'DELETE FROM "{self.TABLE}" {chunk}', bounds or ())
            first, last = db.execute_sql(
                f'SELECT min("id"), max("id") FROM "{self.table}" WHERE "id" > ?', (before,)
            ).fetchone()
            if first is not None:
                written(first, last)
            if bounds is None:
                break
        db.execute_sql(f'DROP TABLE "{self.TABLE}"')
