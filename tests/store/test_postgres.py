"""The PostgreSQL backend: clear sentences when it can't connect, and the same answers as FTS5."""

from __future__ import annotations

import importlib.util
import sqlite3
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.store.db import open_store
from app.store.errors import NEEDS_DRIVER, StoreError
from app.store.postgres import search as postgres
from app.store.postgres.backend import PostgresBackend
from app.store.postgres.connect import redacted
from app.store.postgres.search import document
from app.store.sqlite.search import TOKENIZER, people_expression, text_expression
from app.store.words import index_text


def test_fields_are_weighted_and_kept_apart():
    doc = document("Hi there", "there you", "Maya Chen")
    assert doc == "'hi':1A 'there':2A,5B 'you':6B 'maya':9C 'chen':10C"


def test_quotes_in_words_are_escaped():
    assert postgres._quote_lexeme("it's") == "'it''s'"


def test_a_phrase_query_keeps_its_order_and_prefix():
    assert postgres.match_query([(("maya", "ch"), True)]) == "('maya' <-> 'ch':*)"
    assert postgres.match_query([(("role",), False)], people=[(("maya",), True)], excluded=[(("spam",), True)]) == (
        "(('role') & ('maya':*C)) & !('spam':*)"
    )


def test_a_query_of_no_words_matches_nothing():
    assert postgres.match_query([((), True)]) is None


def test_a_url_without_a_database_is_a_sentence():
    with pytest.raises(StoreError, match="names no database"):
        open_store("postgresql://parley@127.0.0.1:5432/")


def test_a_malformed_url_is_a_sentence_without_the_password():
    with pytest.raises(StoreError, match="is not a valid PostgreSQL URL") as caught:
        open_store("postgresql://maya:hunter2@127.0.0.1:99999/parley")
    assert "hunter2" not in str(caught.value)


def test_an_unreachable_server_is_a_sentence():
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://parley:hunter2@127.0.0.1:1/parley")
    message = str(caught.value)
    assert message.startswith("Can't open the PostgreSQL database postgresql://parley:***@127.0.0.1:1/parley")
    assert "is the server running" in message
    assert "hunter2" not in message


def test_without_psycopg_the_sentence_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name.startswith("psycopg") else real(name, *a)
    )
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://parley@127.0.0.1:5432/parley")
    assert str(caught.value) == NEEDS_DRIVER == (
        "PostgreSQL needs the postgres extra: pip install 'parley[postgres]'."
    )


def test_redacted_leaves_a_url_without_password_alone():
    assert redacted("postgresql://maya@db.example/parley") == "postgresql://maya@db.example/parley"


def test_a_missing_database_is_named(postgres_url):
    parts = urlsplit(postgres_url)
    missing = urlunsplit(parts._replace(path="/no_such_parley_db"))
    with pytest.raises(StoreError, match='database "no_such_parley_db" does not exist'):
        open_store(missing)


def test_postgres_scheme_alias_opens_the_same_store(postgres_url, clock):
    store = open_store(postgres_url.replace("postgresql://", "postgres://", 1))
    try:
        assert isinstance(store.backend, PostgresBackend)
        assert "message_search" in store.db.get_tables()
    finally:
        store.close()


# ---- search: PostgreSQL answers every query as FTS5 does ------------------------------

TEXT_WORDS = ["road", "Roadmap", "roadmap", "café", "CAFE", "Zürich", "o'brien", "Maya", "chen",
              "naïve", "e-mail", "quarterly", "review", "2024", "v2", "ROAD-map", "北京市", "京都", "Καλημέρα",
              "서울에서", "🚀"]
QUERY_WORDS = ["road", "roadmap", "cafe", "zurich", "o", "brien", "maya", "chen", "naive", "e",
               "mail", "quarterly", "review", "2024", "v2", "ro", "qu", "map", "ca", "北京", "京", "京市", "市",
               "καλημερα", "서울", "🚀"]
SEPARATORS = [" ", ", ", ". ", " - ", "\n", "/"]

field = st.lists(st.tuples(st.sampled_from(TEXT_WORDS), st.sampled_from(SEPARATORS)), max_size=7).map(
    lambda parts: "".join(word + sep for word, sep in parts)
)
phrase = st.tuples(st.lists(st.sampled_from(QUERY_WORDS), min_size=1, max_size=3).map(tuple), st.booleans())


@pytest.fixture(scope="module")
def both_indexes(postgres_url):
    """The FTS5 tables as the store makes them (message text; people), and a PostgreSQL table of tsvectors beside."""
    import psycopg

    sqlite = sqlite3.connect(":memory:")
    sqlite.execute(f"CREATE VIRTUAL TABLE t USING fts5(subject, body, content = '', columnsize = 0, {TOKENIZER})")
    sqlite.execute(f"CREATE VIRTUAL TABLE p USING fts5(people, {TOKENIZER})")
    pg = psycopg.connect(postgres_url, autocommit=True)
    pg.execute("CREATE TEMPORARY TABLE docs (id INT PRIMARY KEY, doc TSVECTOR NOT NULL)")
    yield sqlite, pg
    pg.close()
    sqlite.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    docs=st.lists(st.tuples(field, field, field), min_size=1, max_size=6),
    phrases=st.lists(phrase, max_size=2),
    people=st.lists(phrase, max_size=1),
    excluded=st.lists(phrase, max_size=1),
)
def test_postgres_finds_what_fts5_finds(both_indexes, docs, phrases, people, excluded):
    """A message matches when each phrase is in its text or among its people (SQLite keeps
    those apart; PostgreSQL keeps one document): both answer alike."""
    if not phrases and not people:
        phrases = [(("road",), True)]
    sqlite, pg = both_indexes
    sqlite.execute("INSERT INTO t(t) VALUES ('delete-all')")
    sqlite.execute("DELETE FROM p")
    pg.execute("DELETE FROM docs")
    for n, (subject, body, names) in enumerate(docs, 1):
        sqlite.execute("INSERT INTO t(rowid, subject, body) VALUES (?, ?, ?)",
                       (n, index_text(subject), index_text(body)))
        sqlite.execute("INSERT INTO p(rowid, people) VALUES (?, ?)", (n, index_text(names)))
        pg.execute("INSERT INTO docs VALUES (%s, %s::tsvector)", (n, document(subject, body, names)))

    def in_text(one) -> set[int]:
        return {row[0] for row in sqlite.execute("SELECT rowid FROM t WHERE t MATCH ?", (text_expression([one]),))}

    def among_people(one) -> set[int]:
        return {row[0] for row in sqlite.execute("SELECT rowid FROM p WHERE p MATCH ?", (people_expression([one]),))}

    fts5 = set(range(1, len(docs) + 1))
    for one in phrases:
        fts5 &= in_text(one) | among_people(one)
    for one in people:
        fts5 &= among_people(one)
    for one in excluded:
        fts5 -= in_text(one) | among_people(one)
    query = postgres.match_query(phrases, people, excluded)
    found = {row[0] for row in pg.execute("SELECT id FROM docs WHERE doc @@ %s::tsquery", (query,))}
    assert found == fts5


def test_a_connection_the_server_dropped_is_made_again(store, backend):
    if backend != "postgres":
        pytest.skip("SQLite has no server to lose")
    from app.core import members
    from app.store.db import write

    members.add_member("maya", "Maya Chen")

    def drop_my_connection():
        pid = store.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        import psycopg

        with psycopg.connect(dbname=store.db.database, autocommit=True, **store.db.connect_params) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    drop_my_connection()
    assert [m.handle for m in members.list_members()] == ["maya"]
    drop_my_connection()
    with write():
        members.add_member("omar", "Omar Haddad")
    assert len(members.list_members()) == 2
