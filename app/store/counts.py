"""Each member's filter counts, kept as conversation states are written.

A ``state_count`` row says how many of a member's conversations share one
combination of box, folder and the flags the filters read. The store's own
triggers keep it (each backend makes them from the statements here): a state
written adds one to its new combination, and takes one from its old one, in the
writer's transaction, so the counts always equal a recount and a reader never
waits for one. A bulk load that writes states without the triggers counts them
all again at its end (``RECOUNT``).
"""

from __future__ import annotations

KEY = ("member_id", "box", "folder", "has_unread", "connected", "inmail", "starred")
TABLE = "state_count"
SOURCE = "conversation_state"
_COLUMNS = ", ".join(KEY)


def add(row: str, delta: int) -> str:
    """The statement adding ``delta`` to the combination of the trigger's ``row`` (NEW or OLD)."""
    values = ", ".join(f"{row}.{column}" for column in KEY)
    return (f"INSERT INTO {TABLE} ({_COLUMNS}, n) VALUES ({values}, {delta}) "
            f"ON CONFLICT ({_COLUMNS}) DO UPDATE SET n = {TABLE}.n + excluded.n")


def changed(distinct: str) -> str:
    """The condition under which an update moves a state from one combination to another
    (``distinct``: the database's null-safe "differs", IS NOT or IS DISTINCT FROM)."""
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in KEY)


RECOUNT = (f"DELETE FROM {TABLE}",
           f"INSERT INTO {TABLE} ({_COLUMNS}, n) SELECT {_COLUMNS}, count(*) FROM {SOURCE} GROUP BY {_COLUMNS}")
