"""Nothing raw reaches the terminal: one rule for all plain output on standard output and
error, JSON that escapes what a terminal would obey, and CSV that a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from app.cli import main
from app.store.db import open_store
from app.store.models import ALL_MODELS, Member, Message

# An ANSI clear screen, an OSC 52 clipboard write, a C1 CSI, a right-to-left override, a bell.
HOSTILE = "\x1b[2J\x1b]52;c;aGk=\x07Evil\u202e\x9b1m"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SHOWN = "␛[2J␛]52;c;aGk=␇Evil<U+202E><9B>1m"


def stored(target: str) -> dict:
    store = open_store(target)
    try:
        return {model.__name__: sorted(map(repr, model.select().tuples())) for model in ALL_MODELS}
    finally:
        store.close()


@pytest.fixture
def parley(store, store_target, tmp_path, monkeypatch, capsys):
    """Run a command on this test's store (each backend): (exit code, stdout, stderr)."""
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("PARLEY_GLYPHS", "unicode")

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--db", store_target, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    run.target = store_target
    return run


def no_raw_control(*texts: str) -> None:
    for text in texts:
        assert not RAW.search(text), f"raw control character in {text!r}"


@pytest.fixture
def hostile(parley):
    """A member whose name is hostile, Ana on Premium Career, and a message from one to the other."""
    assert parley("member", "add", "evil", "--name", HOSTILE, "--company", "\u202eInc")[0] == 0
    assert parley("member", "add", "ana", "--name", "Ana Ruiz", "--plan", "premium-career")[0] == 0
    assert parley("connect", "evil", "ana")[0] == 0
    assert parley("--as", "evil", "send", "--to", "ana", "--body", f"Hi\x1b[31m red\u202e{HOSTILE}")[0] == 0
    return parley


# ---- one rule for all plain output ------------------------------------------------------------


def test_names_echoed_by_member_add_connect_and_plan_set_are_made_visible(parley):
    code, out, err = parley("member", "add", "evil", "--name", HOSTILE)
    assert (code, out, err) == (0, f"Added {SHOWN} (evil) on Basic (free).\n", "")
    parley("member", "add", "ana", "--name", "Ana Ruiz")
    code, out, err = parley("connect", "evil", "ana")
    assert (code, out) == (0, f"{SHOWN} and Ana Ruiz are connected.\n")
    code, out, err = parley("plan", "set", "evil", "premium-career")
    assert (code, out) == (0, f"{SHOWN} is now on Premium Career; 5 InMail credits held.\n")


def test_stored_text_in_show_inbox_and_member_list_is_made_visible(hostile):
    for argv in (("--as", "ana", "show", "1"), ("--as", "ana", "inbox"), ("member", "list")):
        code, out, err = hostile(*argv)
        assert code == 0 and err == ""
        no_raw_control(out)
        assert "␛[2J" in out and "<U+202E>" in out


def test_errors_quoting_what_was_typed_are_made_visible(hostile):
    for argv in (
        ("connect", "evil", "\x1b[2Jghost"),
        ("plan", "set", "evil", "\x9b31m\u202egold"),
        ("--as", "ana", "send", "--to", "\x1b]52;c;aGk=\x07", "--body", "Hi"),
        ("--as", "ana", "inbox", "--filter", "\x1b[2J\u202e"),
    ):
        code, out, err = hostile(*argv)
        assert code == 2 and out == ""
        no_raw_control(err)
        assert err.count("\n") == 1


def test_an_error_quoting_a_csv_header_is_made_visible(hostile, tmp_path):
    folder = tmp_path / "linkedin"
    folder.mkdir()
    (folder / "messages.csv").write_text("\x1b[2JCONVERSATION ID,\u202eFROM\r\n1,2\r\n", encoding="utf-8")
    before = stored(hostile.target)
    code, out, err = hostile("import", "linkedin", str(folder))
    assert code == 2
    no_raw_control(out, err)
    assert "␛[2JCONVERSATION ID, <U+202E>FROM" in err or "␛[2JCONVERSATION ID,<U+202E>FROM" in err
    assert stored(hostile.target) == before


def test_json_escapes_c1_and_bidi_controls_and_reads_back_the_same(hostile):
    for argv in (("member", "list", "--json"), ("--as", "ana", "show", "1", "--json"),
                 ("--as", "ana", "inbox", "--json")):
        code, out, err = hostile(*argv)
        assert code == 0
        no_raw_control(out)
        assert "\\u009b" in out and "\\u202e" in out
    names = {m["handle"]: m["name"] for m in json.loads(hostile("member", "list", "--json")[1])}
    assert names["evil"] == HOSTILE


def test_json_export_escapes_c1_and_bidi_controls(hostile):
    code, out, err = hostile("--as", "ana", "export", "--format", "json")
    assert code == 0
    no_raw_control(out)
    assert json.loads(out)[0]["messages"][0]["body"] == f"Hi\x1b[31m red\u202e{HOSTILE}"


# ---- CSV: guarded against spreadsheets, visible on a terminal, exact in a file -------------------


FORMULAS = ["=HYPERLINK(\"http://x\")", "+1 555 0100", "-- signed", "@everyone", "\tindented", "\rreturn",
            "'=already quoted", "plain 'quote'"]


@pytest.fixture
def formulas(parley):
    parley("member", "add", "ana", "--name", "Ana Ruiz")
    parley("member", "add", "ben", "--name", "=cmd|' /C calc'!A0")
    parley("connect", "ana", "ben")
    for body in FORMULAS:
        assert parley("--as", "ben", "send", "--to", "ana", "--body", f"{body}\x1b[2J\x07")[0] == 0
    return parley


def test_csv_export_to_standard_output_guards_formulas_and_shows_control_characters(formulas):
    code, out, err = formulas("--as", "ana", "export", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0][0] == "CONVERSATION ID"
    bodies = [row[8] for row in rows[1:]]
    assert sorted(bodies) == sorted([
        "'=HYPERLINK(\"http://x\")␛[2J␇", "'+1 555 0100␛[2J␇", "'-- signed␛[2J␇", "'@everyone␛[2J␇",
        "'\tindented␛[2J␇", "␍return␛[2J␇", "''=already quoted␛[2J␇", "plain 'quote'␛[2J␇",
    ])
    assert {row[2] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    no_raw_control(out.replace("\r\n", "\n"))


def test_an_exported_csv_file_keeps_the_exact_text_and_imports_back_as_the_same_messages(formulas, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    assert formulas("--as", "ana", "export", "--format", "csv", "--out", str(folder / "messages.csv"))[0] == 0
    with open(folder / "messages.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert "'=HYPERLINK(\"http://x\")\x1b[2J\x07" in [row[8] for row in rows]
    store = open_store(formulas.target)
    try:
        sent = sorted((m.sender.name, m.body) for m in Message.select())
    finally:
        store.close()

    copy = str(tmp_path / "copy.db")
    assert main(["--db", copy, "import", "linkedin", str(folder)]) == 0
    store = open_store(copy)
    try:
        assert sorted((m.sender.name, m.body) for m in Message.select()) == sent
        assert Member.select().where(Member.name == "=cmd|' /C calc'!A0").exists()
    finally:
        store.close()


def test_an_argument_that_is_not_utf8_is_refused_with_a_sentence(parley):
    before = stored(parley.target)
    code, out, err = parley("member", "add", "ana", "--name", "Ana \udcff")
    assert (code, out, err) == (2, "", "An argument is not UTF-8 text; Parley reads and stores only UTF-8.\n")
    assert stored(parley.target) == before
