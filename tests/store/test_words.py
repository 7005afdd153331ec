"""One tokenizer: a word of any script is found by itself and by its folded form, on both
backends, and the index holds exactly the words a query is cut into."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from peewee import fn

from app.core import inbox, members, messaging
from app.core import search as search_language
from app.store.bulk import MessageIndex
from app.store.db import SCHEMA_VERSION, open_store, write
from app.store.models import Message, Meta, database
from app.store.sqlite.search import FTS_TABLE, PEOPLE_TABLE, TOKENIZER
from app.store.words import index_text, words

T0 = datetime(2026, 3, 2, 9, 0)

# (what a message says, the searches that must find it)
SCRIPTS = [
    ("Meet at the café near Müller's", ["café", "cafe", "CAFÉ", "müller", "muller", "mull"]),
    ("Καλημέρα σε όλους", ["Καλημέρα", "καλημερα", "ΚΑΛΗΜΕΡΑ", "καλημ"]),
    ("Купили ёлку и йогурт", ["ёлку", "елку", "йогурт", "иогурт", "Йогу"]),
    ("ёлка", ["ёлка", "елка"]),
    ("आज सुबह नमस्ते कहा", ["नमस्ते", "सुबह"]),
    ("สวัสดีครับ ยินดีที่ได้รู้จัก", ["สวัสดี", "ครับ", "สวัสดีครับ", "ยินดี"]),
    ("我住在北京市", ["北京", "我住在北京市", "北", "市", "京市"]),
    ("東京都に住んでいます", ["東京", "住んで", "います", "東京都"]),
    ("ひらがなとカタカナ", ["ひらがな", "カタカナ", "ｶﾀｶﾅ"]),
    ("서울에서 만나요", ["서울", "서울에서", "만나"]),
    ("שָׁלוֹם חברים", ["שלום", "שָׁלוֹם", "חברים"]),
    ("مرحبا يا صديقي", ["مرحبا", "مَرْحَبًا", "صديقي"]),
    ("Launch day 🚀 at noon", ["🚀", "launch 🚀"]),
    ("Thumbs 👍🏽 from all", ["👍", "👍🏽"]),
    ("The ﬁnance team", ["ﬁnance", "finance", "FINANCE"]),
    ("Office on Hauptstraße 5", ["Hauptstraße", "hauptstrasse", "haupt"]),
    ("Straße", ["Straße", "strasse", "STRASSE"]),
    ("ＦＵＬＬ width", ["full"]),
]


def send_all(texts: list[str]) -> tuple[int, dict[str, int]]:
    """Each text sent to Maya in a conversation of its own; (Maya's id, conversation by text)."""
    me = members.add_member("maya", "Maya Chen", now=T0).id
    members.add_member("ines", "Inês Duarte", now=T0)
    members.connect("maya", "ines", now=T0)
    sender = members.member_by_handle("ines").id
    conversations = {}
    for n, text in enumerate(texts):
        sent = messaging.send(sender, ["maya"], text, subject=f"Note {n}", now=T0)
        conversations[text] = sent.conversation
    return me, conversations


def found(me: int, query: str) -> set[int]:
    return {row.id for row in inbox.page(me, "all", query=query, limit=100)}


@pytest.fixture
def every_script(store):
    return send_all([text for text, _ in SCRIPTS])


@pytest.mark.parametrize("text, queries", SCRIPTS, ids=[queries[0] for _, queries in SCRIPTS])
def test_a_word_of_every_script_is_found_by_itself_and_its_folded_form(every_script, text, queries):
    me, conversations = every_script
    for query in queries:
        assert conversations[text] in found(me, query), query


def test_a_word_inside_a_run_without_spaces_finds_only_runs_that_hold_it(every_script):
    me, conversations = every_script
    assert found(me, "北京") == {conversations["我住在北京市"]}
    assert found(me, "京都") == {conversations["東京都に住んでいます"]}
    assert found(me, "北京都") == set()
    assert found(me, "서울에") == {conversations["서울에서 만나요"]}
    assert found(me, "서울만") == set()


def test_a_quoted_word_of_a_script_without_spaces_is_still_found_inside_a_run(every_script):
    me, conversations = every_script
    assert found(me, '"北京"') == {conversations["我住在北京市"]}
    assert found(me, '"住在北"') == {conversations["我住在北京市"]}


def test_words_of_scripts_without_spaces_can_be_excluded(every_script):
    me, conversations = every_script
    assert found(me, "note -北京") == set(conversations.values()) - {conversations["我住在北京市"]}


def test_people_are_found_by_their_folded_names(store):
    me, conversations = send_all(["Hello"])
    assert found(me, "ines") == found(me, "Inês") == found(me, "from:ines") == {conversations["Hello"]}


def test_marks_that_spell_a_word_keep_it_whole():
    # Devanagari vowel signs (some spacing, category Mc) belong to the word.
    assert words("आज नमस्ते कहा") == ["आज", "नमस्ते", "कहा"]
    # Accents of Latin, Greek and Cyrillic letters come off.
    assert words("Café Καλημέρα ёлка й") == ["cafe", "καλημερα", "елка", "и"]
    assert words("ﬁnance Straße ΣΟΦΟΣ") == ["finance", "strasse", "σοφοσ"]


def test_runs_without_spaces_become_pairs_and_their_last_character():
    assert words("我住在北京市") == ["我住", "住在", "在北", "北京", "京市", "市"]
    assert words("北") == ["北"]
    assert words("iPhone的价格") == ["iphone", "的价", "价格", "格"]
    assert words("🚀🚀 go") == ["🚀", "🚀", "go"]


def fts5_table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, {TOKENIZER})")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    return db


REFERENCE = fts5_table()


def indexed(text: str) -> list[str]:
    """The words SQLite's FTS5 table holds for ``text``, given it as the store gives it."""
    REFERENCE.execute("DELETE FROM t")
    REFERENCE.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (index_text(text),))
    return [term for (term,) in REFERENCE.execute("SELECT term FROM v ORDER BY offset")]


@pytest.mark.parametrize("text", [text for text, _ in SCRIPTS] + [
    "o'brien foo-bar e-mail: maya.chen@example.com 3.14 v2",
    "snake_case [bold]x[/bold] \x1b[31mred\x1b[0m tabs\tand\nnewlines",
    "ǖ ǰ ḯ ỹ ő Ł ø đ ħ æ œ ŉ ẞ İstanbul ſ µ Kelvin Ⅻ ① ²",
    "и\u0306x a\u0301b \u0301 Ǡ",
    "",
])
def test_the_index_holds_exactly_the_words_a_query_is_cut_into(text):
    assert indexed(text) == words(text) == list(search_language.words(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_indexed_as_its_words(text):
    assert indexed(text) == words(text)


def test_an_index_built_the_old_way_answers_the_new_way_once_opened(store, backend):
    me, conversations = send_all(["Καλημέρα", "我住在北京市", "नमस्ते दोस्त"])
    with write():
        if backend == "sqlite":
            # The index as stores of schema 3 made it: unicode61 over the raw text.
            old = "tokenize = 'unicode61 remove_diacritics 2'"
            for table, columns in ((FTS_TABLE, "subject, body, content = '', columnsize = 0"),
                                   (PEOPLE_TABLE, "people")):
                database.obj.execute_sql(f"DROP TABLE {table}")
                database.obj.execute_sql(f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, {old})")
            database.obj.execute_sql(f"INSERT INTO {FTS_TABLE}(rowid, subject, body) SELECT id, subject, body "
                                     "FROM message")
        else:
            database.obj.execute_sql("UPDATE message_search SET doc = to_tsvector('simple', m.subject || ' ' || "
                                     "m.body) FROM message AS m WHERE m.id = message_id")
        # Schema 4: the last before the index was made with these words.
        Meta.update(value="4").where(Meta.key == "schema_version").execute()
    assert found(me, "北京") == set()
    store.close()
    again = open_store(store.target)
    try:
        assert Meta.get(Meta.key == "schema_version").value == str(SCHEMA_VERSION)
        assert found(me, "καλημερα") == {conversations["Καλημέρα"]}
        assert found(me, "北京") == {conversations["我住在北京市"]}
        assert found(me, "नमस्ते") == {conversations["नमस्ते दोस्त"]}
        assert found(me, "ines") == set(conversations.values())
    finally:
        again.close()


def test_messages_indexed_in_bulk_are_found_by_their_folded_words(store, backend):
    me, conversations = send_all(["Καλημέρα", "我住在北京市", "plain words"])
    with write():
        if backend == "sqlite":
            database.obj.execute_sql(f"DROP TABLE {FTS_TABLE}")
            store.backend.create_search_index()
        last = Message.select(fn.MAX(Message.id)).scalar()
        with MessageIndex(lambda: {c: "" for c in conversations.values()}) as index:
            index.add(1, last)
    assert found(me, "καλημερα") == {conversations["Καλημέρα"]}
    assert found(me, "北京") == {conversations["我住在北京市"]}
    assert found(me, "plain") == {conversations["plain words"]}
