"""Statements built once and run again with new values: the writers' hot paths.

Peewee builds a statement's SQL each time it runs, which costs many times more than
running it on either database (a send runs some thirty). A ``Prepared`` statement is
built once per kind of database, with a ``Slot`` wherever a value goes; each run fills
the slots in and reads what the query would read: model instances, tuples, a scalar,
the rows changed or the new row's id.

Values fill slots as the driver takes them, not through the fields' conversions:
give ids (not model instances), and text, numbers, booleans and datetimes as they are.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from peewee import ColumnBase, CursorWrapper, Insert, Select, __exception_wrapper__  # type: ignore[attr-defined]

from app.store.models import database


def locking(query: Select) -> Select:
    """``query``, holding the rows it reads until the transaction ends where the database locks
    rows (PostgreSQL: in the order read); SQLite's one writer at a time holds the whole store."""
    return query.for_update() if database.obj.for_update else query


class _Mark:
    """Where a slot's value goes among a compiled statement's parameters."""

    __slots__ = ("name", "index")

    def __init__(self, name: str, index: int | None) -> None:
        self.name, self.index = name, index


class Slot(ColumnBase):
    """A value given when the statement runs: ``values[name]`` (or ``values[name][index]``,
    one slot for each item of a list)."""

    def __init__(self, name: str, index: int | None = None) -> None:
        super().__init__()
        self.mark = _Mark(name, index)

    def __sql__(self, ctx):
        return ctx.value(self.mark, converter=False)


def slots(name: str, n: int) -> list[Slot]:
    """One slot for each of the ``n`` items of the list ``values[name]``."""
    return [Slot(name, index) for index in range(n)]


# What a cursor wrapper holds before it reads its first row: the cursor and where it is.
_CURSOR_STATE = frozenset(vars(CursorWrapper(None)))


class _Reader:
    """Turns a statement's rows into what its query reads (``query`` or its tuples), as Peewee's
    cursor wrapper does; the columns it resolved from the first cursor serve every later one,
    since the statement's text, and so its columns, never change."""

    __slots__ = ("query", "resolved")

    def __init__(self, query) -> None:
        self.query = query
        self.resolved: dict[str, Any] | None = None

    def read(self, cursor) -> list:
        wrapper = self.query._get_cursor_wrapper(cursor)
        if self.resolved is None:
            found = list(wrapper)
            if wrapper.initialized:
                self.resolved = {k: v for k, v in vars(wrapper).items() if k not in _CURSOR_STATE}
            return found
        rows = cursor.fetchall()
        cursor.close()
        vars(wrapper).update(self.resolved)
        process = wrapper.process_row
        return [process(row) for row in rows]


class _Compiled:
    __slots__ = ("query", "sql", "params", "rows", "tuples", "returns_id")

    def __init__(self, query, db) -> None:
        self.returns_id = isinstance(query, Insert) and db.returning_clause
        if self.returns_id:
            query = query.returning(query.model._meta.primary_key)
        self.query = query
        self.rows = _Reader(query)
        self.tuples = _Reader(query.tuples() if isinstance(query, Select) else query)
        self.sql, self.params = db.get_sql_context().sql(query).query()

    def fill(self, values: dict[str, Any]) -> list:
        filled = []
        for param in self.params:
            if isinstance(param, _Mark):
                value = values[param.name]
                filled.append(value if param.index is None else value[param.index])
            else:
                filled.append(param)
        return filled


class Prepared:
    """A statement ``build(*shape)`` makes, compiled once for each database kind and shape
    (the shape: whatever changes the statement's text, such as a list's length)."""

    def __init__(self, build: Callable[..., Any]) -> None:
        self.build = build
        self.compiled: dict[tuple, _Compiled] = {}

    def _compiled(self, shape: tuple, db) -> _Compiled:
        key = (type(db), shape)
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = _Compiled(self.build(*shape), db)
        return compiled

    def _run(self, shape: tuple, values: dict[str, Any]):
        db = database.obj
        compiled = self._compiled(shape, db)
        return compiled, db.execute_sql(compiled.sql, compiled.fill(values))

    def rows(self, shape: tuple = (), **values) -> list:
        """Every row, as the query reads them (model instances unless it asked for tuples)."""
        compiled, cursor = self._run(shape, values)
        return compiled.rows.read(cursor)

    def first(self, shape: tuple = (), **values):
        """The first row, or None."""
        found = self.rows(shape, **values)
        return found[0] if found else None

    def scalar(self, shape: tuple = (), **values):
        """The first column of the first row, converted as its field reads it; None without a row."""
        compiled, cursor = self._run(shape, values)
        found = compiled.tuples.read(cursor)
        return found[0][0] if found else None

    def execute_each(self, runs: Sequence[dict[str, Any]], shape: tuple = ()) -> None:
        """Run a write once with each of ``runs``' values, sent together (on PostgreSQL, one
        round trip for them all); what each changed is not read."""
        if not runs:
            return
        db = database.obj
        compiled = self._compiled(shape, db)
        with __exception_wrapper__:
            db.cursor().executemany(compiled.sql, [compiled.fill(values) for values in runs])

    def execute(self, shape: tuple = (), **values) -> int:
        """Run a write: the new row's id for an insert, else the number of rows changed."""
        compiled, cursor = self._run(shape, values)
        if compiled.returns_id:
            return cursor.fetchone()[0]
        if isinstance(compiled.query, Insert):
            return cursor.lastrowid
        return cursor.rowcount
