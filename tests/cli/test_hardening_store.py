"""Hostile or unlucky input against the store: never lost data, never a new store by
mistake, never a password shown, never a hang or a traceback (SPEC §9)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hardening import build_team, fingerprint, one_line, private, run

from app.config import load_config
from app.store.db import SCHEMA_VERSION, open_store

ROOT = Path(__file__).resolve().parents[2]
HUGE = str(2**63)


@pytest.fixture
def quiet_config(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("PARLEY_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


@pytest.fixture
def team(store, store_target, quiet_config, capsys):
    """A store with three members and a message, on each backend; its target."""
    store.close()
    build_team(store_target)
    capsys.readouterr()
    return store_target


@pytest.fixture
def sqlite_team(tmp_path, quiet_config, clock, capsys):
    target = str(tmp_path / "team.db")
    build_team(target)
    capsys.readouterr()
    return target


def _with_password(url: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user.split(':')[0]}:{password}@{host}"


# ---------------------------------------------------------------- 1. export never writes over the store


@pytest.mark.parametrize("side", ["", "-wal", "-shm"])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_export_refuses_to_write_over_the_store(sqlite_team, capsys, side, force):
    before = fingerprint(sqlite_team)
    code, _, err = run(capsys, "--db", sqlite_team, "--as", "me", "export", "--format", "json",
                       "--out", sqlite_team + side, *force)
    assert code == 2
    assert one_line(err) == f"{sqlite_team}{side} is part of the store; choose another file to write to."
    assert fingerprint(sqlite_team) == before


def test_export_refuses_to_replace_an_existing_file_without_force(team, capsys, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("my notes")
    before = fingerprint(team)
    code, _, err = run(capsys, "--db", team, "--as", "me", "export", "--format", "csv", "--out", str(out))
    assert code == 2
    assert one_line(err) == f"{out} already exists; add --force to replace it."
    assert out.read_text() == "my notes"
    assert fingerprint(team) == before
    code, _, err = run(capsys, "--db", team, "--as", "me", "export", "--format", "csv", "--out", str(out), "--force")
    assert code == 0
    assert "Hello Ben" in out.read_text()
    assert fingerprint(team) == before


# ---------------------------------------------------------------- 4. a password is never shown


@pytest.mark.postgres
def test_a_postgres_password_is_masked_wherever_the_store_is_named(empty_postgres_url, quiet_config, clock,
                                                                   capsys, monkeypatch):
    import psycopg

    url = _with_password(empty_postgres_url, "s3cret-word")
    masked = _with_password(empty_postgres_url, "***")
    monkeypatch.setenv("PARLEY_NO_TUI", "1")
    code, out, err = run(capsys, "--db", url, "demo")
    assert code == 0
    assert "s3cret-word" not in out + err
    assert out.count(masked) == 5 and masked in err

    with psycopg.connect(empty_postgres_url) as conn:
        conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    code, _, err = run(capsys, "--db", url, "--as", "me", "inbox")
    assert code == 2
    assert one_line(err).startswith(f"{masked} was written by a newer Parley")

    with psycopg.connect(empty_postgres_url) as conn:
        conn.execute("UPDATE meta SET value = 'another-app' WHERE key = 'app'")
        conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
    code, _, err = run(capsys, "--db", url, "--as", "me", "inbox")
    assert code == 2
    assert one_line(err) == f"{masked} is not a Parley store."


# ---------------------------------------------------------------- 5. private files


def test_the_store_and_its_side_files_are_private_whatever_existed_before(tmp_path, quiet_config, clock, capsys):
    target = tmp_path / "team.db"
    target.touch()
    os.chmod(target, 0o644)
    assert run(capsys, "--db", str(target), "member", "add", "ana", "--name", "Ana")[0] == 0
    assert private(target)
    os.chmod(target, 0o644)
    store = open_store(str(target), create=False)
    try:
        sides = [Path(f"{target}{side}") for side in ("-wal", "-shm")]
        assert all(side.exists() and private(side) for side in sides)
        assert private(target)
    finally:
        store.close()


def test_exports_are_private(team, capsys, tmp_path):
    out = tmp_path / "export.json"
    assert run(capsys, "--db", team, "--as", "me", "export", "--format", "json", "--out", str(out))[0] == 0
    assert private(out)


def test_a_config_holding_a_password_that_others_can_read_gets_a_warning(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('db = "postgresql://maya:hunter2@db.example/parley"\n')
    os.chmod(config, 0o644)
    problems = load_config(config).problems
    assert len(problems) == 1 and "\n" not in problems[0]
    assert "others can read" in problems[0] and "hunter2" not in problems[0]
    os.chmod(config, 0o600)
    assert load_config(config).problems == ()
    config.write_text('db = "postgresql://maya@db.example/parley"\n')
    os.chmod(config, 0o644)
    assert load_config(config).problems == ()


# ---------------------------------------------------------------- 6. only creating commands create a store

NOT_CREATING = (
    ["--as", "me", "send", "--to", "ben", "--body", "Hi"],
    ["--as", "me", "inbox"],
    ["member", "list"],
    ["credits", "--as", "me"],
    ["--as", "me", "show", "1"],
    ["--as", "me", "export", "--format", "json"],
    ["connect", "me", "ben"],
)


@pytest.mark.parametrize("argv", NOT_CREATING, ids=lambda argv: " ".join(a for a in argv if a != "--as"))
def test_only_commands_that_create_make_a_store(tmp_path, quiet_config, clock, capsys, argv):
    target = tmp_path / "typo" / "parley.db"
    code, _, err = run(capsys, "--db", str(target), *argv)
    assert code == 2
    assert one_line(err) == f"There is no Parley store at {target}."
    assert not (tmp_path / "typo").exists()


def test_opening_the_screens_where_there_is_no_store_creates_nothing_and_says_what_to_run(
        tmp_path, quiet_config, clock, capsys):
    target = tmp_path / "typo" / "parley.db"
    code, _, err = run(capsys, "--db", str(target))
    assert code == 2
    assert one_line(err) == (f"There is no Parley store at {target}. Run `parley demo` to explore, or "
                             "`parley import linkedin EXPORT.zip`, or `parley member add …`.")
    assert not (tmp_path / "typo").exists()


def test_a_command_that_does_not_create_leaves_an_empty_file_or_database_alone(
        backend, tmp_path, quiet_config, clock, capsys, request):
    if backend == "sqlite":
        target = str(tmp_path / "empty.db")
        Path(target).touch()
    else:
        target = request.getfixturevalue("empty_postgres_url")
    before = fingerprint(target)
    code, _, err = run(capsys, "--db", target, "member", "list")
    assert code == 2
    assert one_line(err) == f"There is no Parley store at {target}."
    assert fingerprint(target) == before
    assert run(capsys, "--db", target, "member", "add", "ana", "--name", "Ana")[0] == 0


def test_an_empty_db_option_is_refused(tmp_path, quiet_config, clock, capsys):
    code, _, err = run(capsys, "--db", "", "member", "add", "ana", "--name", "Ana")
    assert code == 2
    assert one_line(err) == "--db is empty: name a store file or a postgresql:// URL."
    assert not (tmp_path / "data-home").exists()


def test_another_programs_database_is_refused_without_side_files(tmp_path, quiet_config, clock, capsys):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = fingerprint(str(other))
    code, _, err = run(capsys, "--db", str(other), "member", "add", "ana", "--name", "Ana")
    assert code == 2
    assert one_line(err) == f"{other} is not a Parley store."
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("other")) == ["other.db"]
    assert fingerprint(str(other)) == before


def test_a_refused_store_gets_no_side_files(sqlite_team, capsys):
    conn = sqlite3.connect(sqlite_team)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.commit()
    conn.close()
    before = fingerprint(sqlite_team)
    code, _, err = run(capsys, "--db", sqlite_team, "--as", "me", "inbox")
    assert code == 2
    assert "newer Parley" in one_line(err)
    assert not any(Path(sqlite_team + side).exists() for side in ("-wal", "-shm"))
    assert fingerprint(sqlite_team) == before


# ---------------------------------------------------------------- 10. numbers and text that look like options

REFUSED_NUMBERS = (
    ["show", HUGE], ["show", "0"], ["show", "-5"], ["show", "seven"], ["recall", HUGE],
    ["reply", HUGE, "--body", "Hi"], ["conversation", "read", HUGE], ["inbox", "--limit", HUGE],
    ["inbox", "--limit", "0"], ["inbox", "--limit", "-1"], ["inbox", "--limit", "lots"],
    ["report", HUGE, "--reason", "spam"],
)


@pytest.mark.parametrize("argv", REFUSED_NUMBERS, ids=" ".join)
def test_ids_and_limits_out_of_range_are_bad_input(team, capsys, argv):
    before = fingerprint(team)
    code, out, err = run(capsys, "--db", team, "--as", "me", *argv)
    assert code == 2 and out == ""
    one_line(err)
    assert fingerprint(team) == before


def test_the_largest_id_is_simply_unknown(team, capsys):
    code, _, err = run(capsys, "--db", team, "--as", "me", "show", str(2**63 - 1))
    assert code == 2
    assert one_line(err).startswith("There is no conversation")


def test_a_limit_above_the_row_count_lists_every_conversation(team, capsys):
    code, out, _ = run(capsys, "--db", team, "--as", "me", "--json", "inbox", "--limit", str(2**63 - 1))
    assert code == 0
    assert '"Ben Okafor"' in out


@pytest.mark.parametrize("argv", [["inbox", "--search", "--"], ["send", "--to", "ben", "--body", "--"],
                                  ["reply", "1", "--body", "--"]], ids=" ".join)
def test_a_lone_double_dash_is_text_not_a_crash(team, capsys, argv):
    code, _, err = run(capsys, "--db", team, "--as", "me", *argv)
    assert code in (0, 2), err
    assert "Traceback" not in err and "Something went wrong" not in err
    if argv[0] != "inbox":
        code, out, _ = run(capsys, "--db", team, "--as", "ben", "show", "1")
        assert code == 0 and "--" in out


def test_a_value_starting_with_a_dash_is_named_as_the_problem(team, capsys):
    before = fingerprint(team)
    code, _, err = run(capsys, "--db", team, "member", "add", "-lead", "--name", "Lead")
    assert code == 2
    assert "'-lead' is not an option here" in one_line(err)
    assert fingerprint(team) == before


# ---------------------------------------------------------------- 11. stores that cannot be used


def test_a_fifo_as_the_store_is_refused_without_hanging(tmp_path, quiet_config):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(fifo), "member", "add", "ana", "--name", "A"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "PARLEY_CONFIG": str(tmp_path / "none.toml")})
    assert done.returncode == 2
    assert one_line(done.stderr) == f"{fifo} is not a Parley store: it is not a regular file."
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_device_is_not_a_store(quiet_config, clock, capsys):
    code, _, err = run(capsys, "--db", os.devnull, "member", "add", "ana", "--name", "Ana")
    assert code == 2
    assert one_line(err) == f"{os.devnull} is not a Parley store: it is not a regular file."


def _set_version(target: str, value: str | None) -> None:
    """Write (or with None, remove) the store's schema version behind Parley's back."""
    statements = ["DELETE FROM meta WHERE key = 'schema_version'"]
    if value is not None:
        statements.append(f"INSERT INTO meta (key, value) VALUES ('schema_version', '{value}')")
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target) as conn:
            for sql in statements:
                conn.execute(sql)
        return
    conn = sqlite3.connect(target)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", ["abc", "0", "-5", None], ids=["abc", "0", "-5", "missing"])
def test_a_damaged_schema_version_says_the_store_is_damaged(team, capsys, version):
    _set_version(team, version)
    try:
        before = fingerprint(team)
        code, _, err = run(capsys, "--db", team, "--as", "me", "inbox")
        assert code == 2
        assert one_line(err) == (f"{team} is damaged (its schema version is missing or unreadable); "
                                 "restore it from a copy.")
        assert fingerprint(team) == before
    finally:
        _set_version(team, str(SCHEMA_VERSION))  # the PostgreSQL schema is the next test's store


def test_a_malformed_store_says_it_is_damaged(sqlite_team, capsys):
    data = bytearray(Path(sqlite_team).read_bytes())
    page = 4096
    data[page:] = b"\xa5" * (len(data) - page)  # every page after the first: noise
    Path(sqlite_team).write_bytes(bytes(data))
    code, _, err = run(capsys, "--db", sqlite_team, "--as", "me", "inbox")
    assert code == 2
    assert one_line(err).startswith(f"{sqlite_team} is damaged")


def test_a_full_disk_says_nothing_was_written(sqlite_team, capsys, monkeypatch):
    import app.store.sqlite.connect as connect
    from peewee import SqliteDatabase

    class FullDisk(SqliteDatabase):
        """A disk with no room for one more page of the store."""

        def _connect(self):
            conn = super()._connect()
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
            return conn

    before = fingerprint(sqlite_team)
    monkeypatch.setattr(connect, "SqliteDatabase", FullDisk)
    code, _, err = run(capsys, "--db", sqlite_team, "--as", "me", "send", "--to", "ben", "--body", "x" * 20_000)
    assert code == 2
    assert one_line(err) == "The disk is full: nothing was written."
    monkeypatch.undo()
    after = fingerprint(sqlite_team)
    # A disk this full cannot take the closing checkpoint either: an empty -wal may stay.
    assert after.pop("files")["team.db"] == before.pop("files")["team.db"]
    assert after == before


# ---------------------------------------------------------------- 12. reads with bounds


@pytest.mark.parametrize("option", ["--body-file", "--attach"])
def test_a_body_file_or_attachment_is_read_no_further_than_its_limit(team, capsys, option):
    before = fingerprint(team)
    argv = ["--body-file", "/dev/zero"] if option == "--body-file" else ["--body", "Hi", "--attach", "/dev/zero"]
    code, _, err = run(capsys, "--db", team, "--as", "me", "send", "--to", "ben", *argv)
    assert code == 2
    assert "/dev/zero" in one_line(err)
    assert fingerprint(team) == before


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder on a file system of its own that can be made read-only (needs mount rights)."""
    folder = tmp_path / "media"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a file system needs privileges this machine does not give")

    def make_read_only() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)

    yield folder, make_read_only
    subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_store_on_a_read_only_file_system_says_it_is_read_only(read_only_folder, quiet_config, clock, capsys):
    folder, make_read_only = read_only_folder
    target = str(folder / "team.db")
    build_team(target)
    make_read_only()
    before = fingerprint(target)
    code, _, err = run(capsys, "--db", target, "--as", "me", "send", "--to", "ben", "--body", "Hi")
    assert code == 2
    assert one_line(err) == f"{target} is read-only; Parley needs to write to it."
    assert fingerprint(target) == before
    code, _, err = run(capsys, "--db", str(folder / "new.db"), "member", "add", "ana", "--name", "Ana")
    assert code == 2
    assert one_line(err) == f"{folder} is read-only; Parley needs to write to it."


def test_a_character_the_store_cannot_keep_is_refused_with_a_sentence(team, backend, capsys, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("Before\x00after")
    before = fingerprint(team)
    code, _, err = run(capsys, "--db", team, "--as", "me", "send", "--to", "ben", "--body-file", str(body))
    if backend == "sqlite":
        assert code == 0  # SQLite keeps the text exactly as written
        return
    assert code == 2
    assert one_line(err) == "This store can't keep the character U+0000 (NUL); nothing was written."
    assert fingerprint(team) == before
