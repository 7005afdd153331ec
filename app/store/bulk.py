"""Writing many rows in one transaction: plain statements, ids handed out ahead, and
the full-text index made by the store from the messages themselves.

An import writes hundreds of thousands of rows at once; Peewee's per-row model
work would cost more than the store's own. These helpers speak to the tables
directly, inside the caller's ``write()``; what differs between the databases is
the backend's (``app.store.backend``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Callable, Iterator, Sequence

from app.store import backend
from app.store.models import database


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


def indexes_rebuilt(model, adding: int) -> AbstractContextManager:
    """A block that only inserts ``adding`` rows into ``model``'s table, its secondary indexes
    kept the cheapest way: where building them afresh costs less than keeping them up row by
    row, they are dropped for the block and made again at its end, in the same transaction."""
    return backend.current().indexes_rebuilt(model, adding)


def take_ids(model, n: int) -> Sequence[int]:
    """``n`` new ids for ``model``'s rows, so that related rows can point at them before they exist."""
    return backend.current().take_ids(model, n)


def MessageIndex(people: Callable[[], dict[int, str]]) -> backend.MessageIndex:
    """Full-text rows for messages written in bulk, made from the stored messages.

    Use as a context manager around the writing, calling ``add(first_id, last_id)``
    after each batch of messages. Where the index files people with each message,
    ``people()`` gives each conversation's (title and names, by conversation id);
    where it keeps them per conversation, the caller refreshes them
    (``search.refresh_people``) once the conversations' states are written.
    """
    return backend.current().message_index(people)


def TimeOrderedInsert(model, fields: Sequence[str], order_by: str) -> backend.TimeOrderedInsert:
    """Rows for ``model``'s table put in any order, written at the end in order of a column.

    A table's ids are its order of writing, and the full-text index and every reader
    take a later id for a later row. When the rows arrive out of that order (an archive
    lists its newest messages first), they are staged and copied into ``model``'s table
    sorted, so that the ids follow the column. The rows are tuples whose first value is
    a sequence number (the order they came in, which breaks ties) followed by ``fields``.
    """
    return backend.current().time_ordered_insert(model, fields, order_by)
