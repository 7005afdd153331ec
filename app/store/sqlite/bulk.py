"""Bulk writing on SQLite: ids after the largest, indexes built once, text indexed by a second thread."""

from __future__ import annotations

import queue
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from app.store import backend
from app.store.models import database
from app.store.sqlite import search
from app.store.words import SQL_FUNCTION, add_sql_function, is_ascii_sql


@contextmanager
def indexes_rebuilt(model, adding: int) -> Iterator[None]:
    """Add ``adding`` rows to ``model``'s table inside the block, its secondary indexes made afresh after.

    Building an index from all the rows at once costs far less than keeping it up
    row by row, so when the rows added outnumber those already there, the indexes
    are dropped for the block and made again at its end, inside the same
    transaction (a failure rolls the drop back too). Queries on the table inside
    the block would scan it: the block should only insert.
    """
    table = model._meta.table_name
    if adding <= database.obj.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
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
    """The ids after the largest, safe because the write transaction holds the write lock from its start."""
    if n <= 0:
        return range(0)
    row = database.obj.execute_sql(f'SELECT max(id) FROM "{model._meta.table_name}"').fetchone()
    first = (row[0] or 0) + 1
    return range(first, first + n)


# Messages whose subject and body are all ASCII: FTS5 takes their text as it is.
ASCII_ROW = f"{is_ascii_sql('subject')} AND {is_ascii_sql('body')}"

class MessageIndex(backend.MessageIndex):
    """Each batch's text indexed by a second thread, one INSERT … SELECT per batch on the same connection.

    The text never passes through Python and SQLite lets go of the interpreter
    while it tokenizes, so the caller reads its next batch meanwhile. It takes the
    messages whose text is all ASCII, which the index holds as written; the others
    are folded (``app.store.words``) on leaving the block, which waits for that
    thread first. People are kept per conversation: the caller
    refreshes them (``search.refresh_people``) once the conversations' states are
    written.
    """

    def __init__(self) -> None:
        self._batches: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._spans: list[tuple[int, int]] = []  # indexed by the worker, all but text to fold

    def __enter__(self) -> MessageIndex:
        db = database.obj
        # Kept in the index's own settings: set back before the transaction ends (or rolled back with it).
        search.start_bulk_load(db.connection())
        # Peewee keeps a connection per thread: the worker must use this one, inside this transaction.
        self._worker = threading.Thread(target=self._work, args=(db.connection(),), name="bulk-message-index",
                                        daemon=True)
        self._worker.start()
        return self

    def add(self, first_id: int, last_id: int) -> None:
        if self._failure is not None:
            raise self._failure
        self._batches.put((first_id, last_id))

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:
            self._failure = self._failure or error  # the worker skips what is left
        self._batches.put(None)
        assert self._worker is not None  # started by __enter__
        self._worker.join()
        if error is None:
            if self._failure is not None:
                raise self._failure
            self._index_folded()
            search.end_bulk_load(database.obj.connection())

    def _work(self, connection) -> None:
        while (batch := self._batches.get()) is not None:
            if self._failure is not None:
                continue
            try:
                self._index(connection, *batch)
            except BaseException as exc:  # noqa: BLE001 - raised again in the writing thread
                self._failure = exc

    def _index(self, connection, first_id: int, last_id: int) -> None:
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


class TimeOrderedInsert(backend.TimeOrderedInsert):
    """The rows gathered in a staging table in the store's own file, not in memory, kept in
    order of their key as it fills, and copied out a chunk at a time, so memory stays
    bounded; it is dropped inside the caller's transaction (a failure rolls it back with
    the rest)."""

    def __init__(self, model, fields: Sequence[str], order_by: str) -> None:
        super().__init__(model, fields, order_by)
        meta = model._meta
        # Kept in order of its key as it fills, so that each chunk is copied without a sort.
        key = meta.fields[order_by].column_name
        names = ", ".join(["seq", *(meta.fields[name].column_name for name in fields)])
        database.obj.execute_sql(f'CREATE TABLE "{self.TABLE}" ({names}, PRIMARY KEY ("{key}", seq)) '
                                 "WITHOUT ROWID")

    def add(self, rows: Sequence[tuple]) -> None:
        if rows:
            marks = ", ".join(["?"] * self.width)
            database.obj.cursor().executemany(f'INSERT INTO "{self.TABLE}" VALUES ({marks})', rows)

    def finish(self, written: Callable[[int, int], None]) -> None:
        db = database.obj
        key = self.order
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
