"""The filter counts on SQLite: three triggers on the conversation states (``app.store.counts``)."""

from __future__ import annotations

from app.store import counts


def triggers() -> list[tuple[str, str]]:
    """(name, CREATE statement) of each trigger that keeps the counts."""
    on = f'ON "{counts.SOURCE}"'
    return [
        ("state_count_insert", f"CREATE TRIGGER state_count_insert AFTER INSERT {on} "
                               f"BEGIN {counts.add('NEW', 1)}; END"),
        ("state_count_delete", f"CREATE TRIGGER state_count_delete AFTER DELETE {on} "
                               f"BEGIN {counts.add('OLD', -1)}; END"),
        ("state_count_update", f"CREATE TRIGGER state_count_update AFTER UPDATE {on} "
                               f"WHEN {counts.changed('IS NOT')} "
                               f"BEGIN {counts.add('OLD', -1)}; {counts.add('NEW', 1)}; END"),
    ]


def drop(execute) -> None:
    """No counting row by row, until ``create`` (a bulk load: inside its transaction)."""
    for name, _sql in triggers():
        execute(f'DROP TRIGGER IF EXISTS "{name}"')


def create(execute) -> None:
    """The triggers made (again), and every count made from the states as they are."""
    drop(execute)
    for _name, sql in triggers():
        execute(sql)
    for statement in counts.RECOUNT:
        execute(statement)
