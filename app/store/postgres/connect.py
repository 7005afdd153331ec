"""Connecting to a team's PostgreSQL database.

A team shares one PostgreSQL database (``postgresql://user@host/db``). Peewee
talks to it through psycopg 3 (psycopg2 also works), installed by the
``postgres`` extra.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

from peewee import (  # type: ignore[attr-defined]
    ImproperlyConfigured,
    InterfaceError,
    OperationalError,
    PostgresqlDatabase,
    __exception_wrapper__,
)

from app.store.errors import NEEDS_DRIVER, StoreError, redacted

if TYPE_CHECKING:
    from peewee import _ConnectionState

CONNECT_TIMEOUT = 5  # seconds; an unreachable server should fail fast, not hang the terminal


def _has_driver() -> bool:
    return any(importlib.util.find_spec(name) is not None for name in ("psycopg", "psycopg2"))


def _url_params(path: str, user: str | None, password: str | None, host: str | None, port: int | None,
                query: str) -> dict:
    """The connection's keyword arguments as the URL's parts give them; the query's (such as
    ``options`` or ``sslmode``) as written. Read here rather than by Peewee's URL helper,
    whose module loads every other database's support before the inbox can paint."""
    params: dict = {"database": path[1:]}
    if user:
        params["user"] = unquote(user)
    if password:
        params["password"] = unquote(password)
    if host:
        params["host"] = host
    if port:
        params["port"] = port
    params.update(parse_qsl(query, keep_blank_values=True))
    return params


def connection_params(url: str) -> tuple[str, dict]:
    """(database name, psycopg keyword arguments) for a postgresql:// URL."""
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError(parts.scheme)
        params = _url_params(parts.path, parts.username, parts.password, parts.hostname, parts.port, parts.query)
    except ValueError:
        raise StoreError(f"{redacted(url)} is not a valid PostgreSQL URL.") from None
    name = params.pop("database", "")
    if not name:
        raise StoreError(
            f"{redacted(url)} names no database; write it as postgresql://user@host/dbname."
        )
    params.setdefault("connect_timeout", CONNECT_TIMEOUT)
    params.setdefault("application_name", "parley")
    return name, params


class TeamDatabase(PostgresqlDatabase):
    """PostgreSQL that connects again when the server dropped an idle connection.

    A server restart or an idle timeout ends every open session; a terminal left
    open over the weekend should carry on, not fail on its next keypress. Only a
    query outside a transaction, or the BEGIN of one, is tried again: neither can
    have changed anything, so running it twice is safe.
    """

    # Peewee's own per-thread connection state, which its stubs leave out of Database.
    _state: _ConnectionState

    def _dropped(self) -> bool:
        conn = self._state.conn
        return conn is not None and (conn.closed or getattr(conn, "broken", False))

    def _again(self, run, *args):
        try:
            return run(*args)
        except (OperationalError, InterfaceError):
            if self.in_transaction() or not self._dropped():
                raise
            self.close()
            self.connect()
            return run(*args)

    def _initialize_connection(self, conn) -> None:
        # The driver prepares a statement run a few times, and PostgreSQL may then plan it once
        # for any values: a page of one member's conversations planned for every member is a
        # scan. Each run is planned for its own values (a fraction of a millisecond) instead.
        with conn.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")

    def execute_sql(self, sql, params=None):
        if self.in_transaction() or sql.lstrip()[:6].upper() != "SELECT":
            return super().execute_sql(sql, params)
        return self._again(super().execute_sql, sql, params)

    def begin(self, isolation_level=None, then: str = ""):
        """BEGIN, and ``then`` (statements without values) in the same round trip."""
        if isolation_level is not None:
            return self._again(lambda: super(TeamDatabase, self).begin(isolation_level))

        def run() -> None:
            with __exception_wrapper__:
                self.cursor().execute(f"BEGIN; {then}" if then else "BEGIN")

        return self._again(run)


def connect_postgres(url: str) -> PostgresqlDatabase:
    """A connected PostgreSQL database for ``url``, or a StoreError sentence."""
    if not _has_driver():
        raise StoreError(NEEDS_DRIVER)
    name, params = connection_params(url)
    db = TeamDatabase(name, prefer_psycopg3=True, autoconnect=True, **params)
    try:
        db.connect(reuse_if_open=True)
    except ImproperlyConfigured:
        raise StoreError(NEEDS_DRIVER) from None
    except (OperationalError, InterfaceError) as exc:
        raise StoreError(f"Can't open the PostgreSQL database {redacted(url)}: {_reason(exc)}") from None
    return db


def _reason(exc: Exception) -> str:
    """The server's or driver's own words, without libpq's framing."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return "the server did not answer."
    reason = lines[0].rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip().rstrip(".")
    if "refused" in reason.lower() or "timeout" in reason.lower() or "timed out" in reason.lower():
        reason += "; is the server running, and reachable from here?"
    else:
        reason += "."
    return reason[:1].lower() + reason[1:]
