"""Fuzzing the command line and the search language: whatever is typed, a command ends with
0, 2 or 3 and a sentence, never with 1 or a traceback, and writes no raw control character."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main

FIXED_NOW = "2026-03-02T09:00:00Z"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)

# Anything a shell can pass: no NUL (an argument ends at one), and the controls most likely to hurt.
HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        st.sampled_from("\x1b\x07\x08\r\x9b\u202e\u2066\u200b\x7f"),
    ),
    max_size=12,
)


def either(*choices: str) -> st.SearchStrategy[str]:
    """One of the values a command knows, or anything at all."""
    return st.one_of(st.sampled_from(choices), HOSTILE_TEXT)


def maybe(*parts) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), st.tuples(*parts).map(list))


HANDLE = either("me", "ben", "cleo", "@ben", "ben,cleo", "nobody")
ID = either("1", "2", "3", "0", "-1", "007", "9223372036854775808", "99999999999999999999")
PLAN = either("basic", "premium-career", "sales-navigator")


def command(*parts) -> st.SearchStrategy[list[str]]:
    """A command's words: fixed words, strategies for one word, or strategies for several."""
    pieces = [st.just([part]) if isinstance(part, str) else part for part in parts]
    return st.tuples(*pieces).map(
        lambda words: [w for piece in words for w in (piece if isinstance(piece, list) else [piece])]
    )


# Commands that neither open the screens nor build, import or time a whole store.
COMMANDS = st.one_of(
    command("inbox", maybe(st.just("--filter"), either("all", "unread", "inmail", "archived", "spam")),
            maybe(st.just("--limit"), either("1", "5", "0", "9223372036854775808", "--"))),
    command("show", ID),
    command("send", "--to", HANDLE, "--body", HOSTILE_TEXT, maybe(st.just("--subject"), HOSTILE_TEXT)),
    command("reply", ID, st.one_of(st.tuples(st.just("--body"), HOSTILE_TEXT).map(list),
                                   st.sampled_from([["--accept"], ["--decline"]]))),
    command("recall", ID),
    command("conversation", either("archive", "star", "read", "spam", "delete"), ID),
    command("report", ID, "--reason", either("spam", "harassment", "something else")),
    command(either("block", "unblock"), HANDLE),
    command("member", "add", either("dana", "ben", "Dana"), "--name", HOSTILE_TEXT,
            maybe(st.just("--company"), HOSTILE_TEXT), maybe(st.just("--plan"), PLAN)),
    command("member", "list"),
    command("connect", HANDLE, HANDLE),
    command("plan", "set", HANDLE, PLAN),
    command("settings", maybe(either("allow-inmail", "read-receipts"), either("on", "off"))),
    command("credits"),
    command("export", "--format", either("csv", "json")),
    # Words in any order after a command (never none: without a command the screens open).
    command(st.sampled_from(["inbox", "send", "reply"]),
            st.lists(either("--to", "--body", "--search", "--limit", "-", "1", "me", "--accept"), max_size=5)),
)
WHO = maybe(st.just("--as"), either("me", "ben", "cleo", "nobody"))
JSON = maybe(st.just("--json"))
QUERY_FRAGMENTS = st.sampled_from(
    ['"', "-", ":", "from:", "company:", "is:", "in:", "has:", "before:", "after:", "is:unread", "in:spam",
     "has:attachment", "before:2026-03-05", "after:0001-01-01", "before:9999-12-31", "*", "(", ")", "AND",
     "OR", "NOT", "NEAR", "^", "lunch", "maya", " ", "\x1b[2J", "\u202e", "é", "'", "www.", "https://x"]
)
QUERY = st.one_of(HOSTILE_TEXT, st.lists(st.one_of(QUERY_FRAGMENTS, HOSTILE_TEXT), max_size=30).map("".join))


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    """A SQLite store with a few members, connections, conversations and an InMail."""
    folder = tmp_path_factory.mktemp("fuzz")
    target = str(folder / "parley.db")
    with environment(folder):
        for argv in (
            ["member", "add", "me", "--name", "Maya Chen", "--plan", "premium-business"],
            ["member", "add", "ben", "--name", "Ben \x1b[31mOkafor"],
            ["member", "add", "cleo", "--name", "Cleo \u202ePark"],
            ["connect", "me", "ben"], ["connect", "me", "cleo"],
            ["send", "--to", "ben", "--body", "Lunch on Friday?"],
            ["send", "--to", "ben,cleo", "--body", "Offsite in Porto?"],
            ["--as", "ben", "reply", "1", "--body", "Yes \x9b1m"],
        ):
            assert run(target, argv)[0] == 0, argv
    return folder, target


@contextmanager
def environment(folder, now: str = FIXED_NOW):
    """The clock fixed, no config file, and the working folder the store's (for files a command writes)."""
    saved = {key: os.environ.get(key) for key in ("PARLEY_NOW", "PARLEY_CONFIG", "PARLEY_DB")}
    cwd = os.getcwd()
    os.environ.update(PARLEY_NOW=now, PARLEY_CONFIG=str(folder / "none.toml"))
    os.environ.pop("PARLEY_DB", None)
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(cwd)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(target: str, argv: list[str]) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", target, *argv])
    return code, out.getvalue(), err.getvalue()


def check(code: int, out: str, err: str) -> None:
    assert code in (0, 2, 3), (code, err)
    assert "Traceback" not in err and "Something went wrong" not in err, err
    assert not RAW.search(out), out
    assert not RAW.search(err), err


@FUZZ
@given(who=WHO, words=COMMANDS, json=JSON)
def test_no_arguments_make_a_command_fail_unexpectedly_or_write_raw_control_characters(small_store, who, words,
                                                                                        json):
    folder, target = small_store
    with environment(folder):
        code, out, err = run(target, [*who, *words, *json])
        if words[0] == "export":
            out = out.replace("\r\n", "\n")  # a CSV line ends in CR LF, as LinkedIn's do
        check(code, out, err)


@FUZZ
@given(query=QUERY, json=st.booleans())
def test_no_search_makes_the_inbox_fail_unexpectedly_or_write_raw_control_characters(small_store, query, json):
    folder, target = small_store
    with environment(folder):
        check(*run(target, ["inbox", f"--search={query}", *(["--json"] if json else [])]))
        check(*run(target, ["inbox", "--search", query, *(["--json"] if json else [])]))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(now=st.one_of(HOSTILE_TEXT, st.sampled_from(["0001-01-01", "9999-12-31T23:59:59Z", "1969-12-31",
                                                    "2026-02-30", "2026-03-02T09:00:00+14:00"])))
def test_no_clock_makes_a_command_fail_unexpectedly(small_store, now):
    folder, target = small_store
    with environment(folder, now=now):
        check(*run(target, ["credits"]))
