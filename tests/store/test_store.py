"""The store on both backends: one write lock, whole transactions, the same search results."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from datetime import datetime

import pytest

from app.core import members, messaging
from app.store import db as db_module
from app.store import search
from app.store.db import SCHEMA_VERSION, data_version, open_store, write
from app.store.errors import StoreError
from app.store.models import BOX_ARCHIVED, BOX_INBOX, Member, Message, Meta, database


def test_a_fresh_store_is_marked_and_empty(store):
    assert Meta.get(Meta.key == "app").value == "parley"
    assert Meta.get(Meta.key == "schema_version").value == str(SCHEMA_VERSION)
    assert Member.select().count() == 0


def test_reopening_keeps_what_was_written(store):
    members.add_member("maya", "Maya Chen")
    store.close()
    again = open_store(store.target)
    assert [m.handle for m in members.list_members()] == ["maya"]
    again.close()


@pytest.fixture
def schema_restored(store):
    """Put the store's schema facts back afterwards (PostgreSQL tests share one schema)."""
    yield
    Meta.update(value=str(SCHEMA_VERSION)).where(Meta.key == "schema_version").execute()
    Meta.delete().where(Meta.key == "migrated").execute()


def _next_schema(monkeypatch, step) -> int:
    """Pretend this Parley knows one schema step more than the store it opens."""
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(db_module.MIGRATIONS, SCHEMA_VERSION + 1, step)
    return SCHEMA_VERSION + 1


def _schema_version() -> int:
    return int(Meta.get(Meta.key == "schema_version").value)


def test_an_older_store_is_migrated_once_when_opened(store, monkeypatch, schema_restored):
    members.add_member("maya", "Maya Chen")
    runs = []

    def add_a_fact(_store):
        runs.append(1)
        Meta.create(key="migrated", value="yes")

    newer = _next_schema(monkeypatch, add_a_fact)
    store.close()
    again = open_store(store.target)
    assert _schema_version() == newer and Meta.get(Meta.key == "migrated").value == "yes"
    again.close()
    open_store(store.target).close()
    assert runs == [1]
    assert [m.handle for m in members.list_members()] == ["maya"]


def test_a_failed_migration_step_leaves_the_store_as_it_was(store, monkeypatch, schema_restored):
    def half_a_step(_store):
        Meta.create(key="migrated", value="half")
        raise RuntimeError("the step failed")

    _next_schema(monkeypatch, half_a_step)
    store.close()
    with pytest.raises(RuntimeError):
        open_store(store.target)
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION)
    open_store(store.target).close()
    assert _schema_version() == SCHEMA_VERSION
    assert Meta.get_or_none(Meta.key == "migrated") is None


def test_a_store_from_a_newer_parley_is_refused_with_a_sentence(store, schema_restored):
    Meta.update(value=str(SCHEMA_VERSION + 1)).where(Meta.key == "schema_version").execute()
    store.close()
    with pytest.raises(StoreError, match=r"written by a newer Parley .* upgrade Parley to open it\."):
        open_store(store.target)


def test_a_failed_write_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError):
        with write():
            members.add_member("maya", "Maya Chen")
            raise RuntimeError("half-way")
    assert Member.select().count() == 0


def test_a_second_writer_waits_for_the_first(store):
    members.add_member("maya", "Maya Chen")
    order = []
    holding = threading.Event()

    def first():
        with write():
            Member.update(headline="first").where(Member.handle == "maya").execute()
            holding.set()
            time.sleep(0.3)
            order.append("first")
        database.obj.close()

    def second():
        holding.wait()
        with write():
            order.append("second")
            Member.update(headline=Member.headline + " then second").where(Member.handle == "maya").execute()
        database.obj.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order == ["first", "second"]
    assert Member.get(Member.handle == "maya").headline == "first then second"


class LockHolder:
    """Another connection holding the store's write lock, with this one's wait made short."""

    def __init__(self, store, backend, monkeypatch):
        if backend == "postgres":
            from app.store.postgres import backend as postgres

            import psycopg

            db = store.db
            self.conn = psycopg.connect(dbname=db.database, autocommit=True, **db.connect_params)
            self.conn.execute("BEGIN")
            self.conn.execute(postgres.WRITE_LOCK)
            monkeypatch.setattr(postgres, "LOCK_WAIT", "SET LOCAL lock_timeout = '20ms'")
        else:
            self.conn = sqlite3.connect(store.target, isolation_level=None, check_same_thread=False)
            self.conn.execute("BEGIN IMMEDIATE")
            database.obj.execute_sql("PRAGMA busy_timeout = 20")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()


def test_a_busy_store_is_a_sentence_not_database_is_locked(store, backend, monkeypatch):
    holder = LockHolder(store, backend, monkeypatch)
    try:
        with pytest.raises(StoreError) as caught:
            with write(attempts=2):
                members.add_member("maya", "Maya Chen")
    finally:
        holder.release()
        holder.close()
    assert str(caught.value) == "The store is busy; try again in a moment."
    assert Member.select().count() == 0


def test_a_briefly_busy_store_is_waited_for(store, backend, monkeypatch):
    holder = LockHolder(store, backend, monkeypatch)
    release = threading.Timer(0.2, holder.release)
    release.start()
    try:
        with write():
            members.add_member("maya", "Maya Chen")
    finally:
        release.join()
        holder.close()
    assert Member.select().count() == 1


def test_data_version_moves_when_another_connection_commits(store):
    before = data_version()
    assert data_version() == before

    def elsewhere():
        members.add_member("maya", "Maya Chen")
        database.obj.close()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert data_version() != before


# ---- search: the same words give the same messages on both backends -------------------


@pytest.fixture
def letters(store):
    """Messages whose words test the edges of word splitting, one conversation each."""
    maya = members.add_member("maya", "Maya Chen", company="Northwind").id
    senders = {
        "jose": ("José Álvarez", "Zürich Labs"),
        "obrien": ("Siobhan O'Brien", "Acme"),
        "yuki": ("Yuki Sato", "Globex"),
    }
    for handle, (name, company) in senders.items():
        members.add_member(handle, name, company=company)
        members.connect("maya", handle)
    sent = {
        "cafe": messaging.send(members.member_by_handle("jose").id, ["maya"], "Meet at the café near Zürich HB?"),
        "email": messaging.send(
            members.member_by_handle("obrien").id, ["maya"], "Write to maya.chen@example.com re: follow-up"
        ),
        "phrase": messaging.send(members.member_by_handle("yuki").id, ["maya"], "quarterly roadmap review, roadmap quarterly"),
    }
    return maya, {key: result.message for key, result in sent.items()}


def found(maya: int, phrases, people=(), excluded=()) -> set[int]:
    rows = search.matching_messages(
        maya, phrases, people=people, excluded=excluded, boxes=[BOX_INBOX, BOX_ARCHIVED]
    )
    return {row[0] for row in rows}


def test_accents_and_case_fold_alike(letters):
    maya, ids = letters
    assert found(maya, [(("cafe",), False)]) == {ids["cafe"]}
    assert found(maya, [(("zurich",), False)]) == {ids["cafe"]}
    assert found(maya, [(("zur",), True)]) == {ids["cafe"]}


def test_punctuation_splits_words(letters):
    maya, ids = letters
    assert found(maya, [(("example", "com"), False)]) == {ids["email"]}
    assert found(maya, [(("follow",), False)]) == {ids["email"]}
    assert found(maya, [(("chen", "example"), False)]) == {ids["email"]}


def test_a_phrase_needs_its_words_in_order(letters):
    maya, ids = letters
    assert found(maya, [(("quarterly", "roadmap"), False)]) == {ids["phrase"]}
    assert found(maya, [(("roadmap", "quarterly"), False)]) == {ids["phrase"]}
    assert found(maya, [(("review", "quarterly"), False)]) == set()
    assert found(maya, [(("quarterly", "road"), True)]) == {ids["phrase"]}


def test_a_prefix_is_only_a_prefix(letters):
    maya, ids = letters
    assert found(maya, [(("road",), True)]) == {ids["phrase"]}
    assert found(maya, [(("road",), False)]) == set()
    assert found(maya, [(("oadmap",), True)]) == set()


def test_names_are_matched_among_the_people(letters):
    maya, ids = letters
    assert found(maya, [], people=[(("o",), False), (("brien",), False)]) == {ids["email"]}
    assert found(maya, [], people=[(("alvarez",), True)]) == {ids["cafe"]}
    # A name's words in the body are not a person.
    assert found(maya, [], people=[(("maya", "chen", "example"), False)]) == set()


def test_excluded_words_remove_messages(letters):
    maya, ids = letters
    everyone = [(("maya",), True)]
    assert ids["email"] in found(maya, everyone)
    assert ids["email"] not in found(maya, everyone, excluded=[(("follow",), True)])


def test_a_phrase_does_not_run_from_one_field_into_the_next(letters):
    maya, ids = letters
    # The body ends with "quarterly"; the people field starts with the sender's name.
    assert found(maya, [(("quarterly", "yuki"), False)]) == set()


def test_a_recalled_message_is_no_longer_found(letters):
    maya, ids = letters
    Message.update(recalled_at=datetime(2026, 3, 2, 10)).where(Message.id == ids["cafe"]).execute()
    assert found(maya, [(("cafe",), False)]) == set()
    assert search.conversations_containing([1, 2, 3], [(("roadmap",), False)]) != set()


def test_a_word_needs_only_be_in_the_text_or_among_the_people(letters):
    maya, ids = letters
    # "Sato" is Yuki's name, "roadmap" is in the text: together they find the message.
    assert found(maya, [(("sato",), False), (("roadmap",), False)]) == {ids["phrase"]}
    assert found(maya, [(("sato",), False), (("cafe",), False)]) == set()
    # A name alone finds every message of that person's conversations.
    later = messaging.send(members.member_by_handle("yuki").id, ["maya"], "One more thing").message
    assert found(maya, [(("yuki",), False)]) == {ids["phrase"], later}
    assert found(maya, [(("yuki",), False)], excluded=[(("thing",), False)]) == {ids["phrase"]}
    assert found(maya, [(("roadmap",), False)], excluded=[(("sato",), False)]) == set()


def test_a_store_from_before_people_moved_is_migrated(store, letters, backend, schema_restored):
    """Schema 1 kept people with every message; opening it files them once per conversation."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps people with each message")
    maya, ids = letters
    with write():
        database.obj.execute_sql("DROP TABLE conversation_people")
        database.obj.execute_sql("DROP TABLE message_fts")
        database.obj.execute_sql("CREATE VIRTUAL TABLE message_fts USING fts5(subject, body, people, "
                                 "tokenize = 'unicode61 remove_diacritics 2')")
        database.obj.execute_sql("INSERT INTO message_fts(rowid, subject, body, people) "
                                 "SELECT id, subject, body, 'Maya Chen' FROM message")
        Meta.update(value="1").where(Meta.key == "schema_version").execute()
    store.close()
    again = open_store(store.target)
    assert _schema_version() == SCHEMA_VERSION
    assert found(maya, [(("roadmap",), False)]) == {ids["phrase"]}
    assert found(maya, [(("alvarez",), False)]) == {ids["cafe"]}
    assert found(maya, [], people=[(("o",), False), (("brien",), False)]) == {ids["email"]}
    # Messages sent after go into the old table, and are found.
    later = messaging.send(members.member_by_handle("yuki").id, ["maya"], "Budget sign-off").message
    assert found(maya, [(("budget",), False)]) == {later}
    again.close()


def _index_names(table: str) -> set[str]:
    return {index.name for index in database.obj.get_indexes(table)}


def test_a_store_with_the_older_indexes_is_migrated(store, schema_restored):
    """Schema 3: a sender's messages by time, and no index a composite one begins with;
    schema 9: a sender's copies of one text indexed again, for the bulk-outreach rule."""
    with write():
        database.obj.execute_sql('DROP INDEX "message_sender_id_sent_at"')
        database.obj.execute_sql('CREATE INDEX IF NOT EXISTS "message_sender_id_body_hash_sent_at" '
                                 'ON "message" ("sender_id", "body_hash", "sent_at")')
        database.obj.execute_sql('CREATE INDEX "conversation_state_member_id" ON "conversation_state" ("member_id")')
        Meta.update(value="2").where(Meta.key == "schema_version").execute()
    store.close()
    again = open_store(store.target)
    try:
        assert _schema_version() == SCHEMA_VERSION
        assert "message_sender_id_sent_at" in _index_names("message")
        assert "message_sender_id_body_hash_sent_at" in _index_names("message")
        assert "conversation_state_member_id" not in _index_names("conversation_state")
    finally:
        again.close()


def _open_and_close(target: str, results) -> None:
    try:
        open_store(target).close()
        results.put("opened")
    except Exception as exc:  # handed back to the test
        results.put(repr(exc))


@pytest.fixture
def empty_target(backend, tmp_path, request):
    """Where no store exists yet: a new file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        return str(tmp_path / "team.db")
    return request.getfixturevalue("empty_postgres_url")


def test_teammates_starting_at_once_create_the_store_once(empty_target, clock):
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    openers = [ctx.Process(target=_open_and_close, args=(empty_target, results)) for _ in range(4)]
    for opener in openers:
        opener.start()
    outcomes = [results.get(timeout=120) for _ in openers]
    for opener in openers:
        opener.join(30)
    assert outcomes == ["opened"] * 4
    store = open_store(empty_target)
    assert [meta.key for meta in Meta.select().order_by(Meta.key)] == ["app", "schema_version"]
    store.close()


def test_opening_a_store_this_process_has_open_again_leaves_its_file_alone(tmp_path, monkeypatch, clock):
    """Closing any descriptor of a file drops this process's locks on it, SQLite's too: a
    store already open here is not opened by hand again to check what it is."""
    from app.store.sqlite import connect

    path = tmp_path / "twice.db"
    first = open_store(str(path))
    members.add_member("maya", "Maya Chen")
    checked = []
    monkeypatch.setattr(connect, "_check_existing", lambda *args: checked.append(args))
    second = open_store(str(path))
    assert checked == []
    assert [m.handle for m in members.list_members()] == ["maya"]
    second.close()
    first.close()
