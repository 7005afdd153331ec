"""What the hardening tests share: a small team on each backend, running a command, and a
fingerprint of a store that shows whether a refused command changed anything."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from app.cli import main
from app.store.models import ALL_MODELS
from app.store.target import is_postgres_url, store_files

TABLES = sorted(model._meta.table_name for model in ALL_MODELS)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert "Traceback" not in err and "Something went wrong" not in err
    return err.strip()


def fingerprint(target: str) -> dict:
    """Each table's row count, read without Parley (so a damaged store can be read too),
    and for a SQLite store the hash of its files."""
    if is_postgres_url(target):
        import psycopg

        with psycopg.connect(target) as conn:
            present = {row[0] for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
            counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES if t in present}
            counts["meta rows"] = sorted(conn.execute("SELECT key, value FROM meta").fetchall()) \
                if "meta" in present else []
        return counts
    import sqlite3

    path = Path(target)
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in store_files(target) if p.exists()}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        try:
            counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        counts = {}
    return {"files": files, **counts}


def build_team(target: str) -> None:
    """Maya ("me", premium), Ana and Ben; Maya and Ben connected, and one message between them."""
    for argv in (
        ["member", "add", "me", "--name", "Maya Chen", "--plan", "premium-business"],
        ["member", "add", "ana", "--name", "Ana Ruiz"],
        ["member", "add", "ben", "--name", "Ben Okafor"],
        ["connect", "me", "ben"],
        ["--as", "me", "send", "--to", "ben", "--body", "Hello Ben"],
    ):
        assert main(["--db", target, *argv]) == 0, argv


def private(path: str | os.PathLike) -> bool:
    return (os.stat(path).st_mode & 0o777) == 0o600
