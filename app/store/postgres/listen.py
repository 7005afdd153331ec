"""A connection of its own that LISTENs on a channel: what the change feed and the typing
signals each keep, so that notifications reach them whatever the store's connection does."""

from __future__ import annotations

from typing import Any, Callable


def listening(db, name: str, channel: str, heard: Callable[[Any], None]) -> tuple[Any, str]:
    """A new autocommit psycopg connection (shown as ``name`` in pg_stat_activity) that hands
    every notification on ``channel`` to ``heard``, and the store's schema. Raises
    psycopg.Error when the server cannot be reached."""
    import psycopg

    conn = psycopg.connect(dbname=db.database, autocommit=True, **{**db.connect_params, "application_name": name})
    row = conn.execute("SELECT current_schema()").fetchone()
    assert row is not None  # a SELECT without FROM returns one row
    # psycopg hands every notification it reads to the handler, whether it arrived while
    # the connection was idle or running a query.
    conn.add_notify_handler(heard)
    conn.execute(f"LISTEN {channel}")
    return conn, row[0]


def close_quietly(conn) -> None:
    """Close a listening connection that may already be broken."""
    if conn is not None:
        try:
            conn.close()
        except Exception:
            pass
