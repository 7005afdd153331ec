"""The command line and the screens show stored text the same way (one presentation module)."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.ui import text as screens

# A right-to-left override, ANSI colour and screen-clearing escapes, a bell, a C1 control
# (CSI), isolates, the Arabic letter mark and a line separator: each must be shown, never obeyed.
NASTY = "Ana \u202eztiuR\u202c \x1b[31mred\x1b[0m \x1b[2J \x07 \x9b2J \u2066x\u2069 \u061c \u2028end"
OBEYED = "\u202e\u202c\x1b\x07\x9b\u2066\u2069\u061c\u2028"


@pytest.fixture(params=["unicode", "plain"])
def glyphs(request, monkeypatch):
    """Both ways a terminal may draw them: Control Pictures, or ^X for terminals without them."""
    monkeypatch.setenv("PARLEY_GLYPHS", request.param)
    previous = screens.glyphs()
    screens.use_glyphs(screens.choose_glyphs())
    yield request.param
    screens.use_glyphs(previous)


@pytest.fixture
def store(tmp_path, clock, monkeypatch, capsys):
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("PARLEY_DB", raising=False)
    db = str(tmp_path / "parley.db")
    for argv in (["member", "add", "me", "--name", "Maya Chen"],
                 ["member", "add", "ana", "--name", NASTY, "--company", NASTY],
                 ["connect", "me", "ana"],
                 ["--as", "ana", "send", "--to", "me", "--body", f"{NASTY}\nsecond line"]):
        assert main(["--db", db, *argv]) == 0
    capsys.readouterr()
    return db


def command(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_control_characters_show_the_same_on_the_command_line_and_the_screens(store, glyphs, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # the inbox's preview column whole
    on_screen = screens.literal(NASTY, one_line=True)  # what the list, the titles and the profile draw
    on_screen_body = screens.body_lines(f"{NASTY}\nsecond line")  # what the message view draws
    assert not any(ch in on_screen + "".join(on_screen_body) for ch in OBEYED)
    assert ("^[[31mred" if glyphs == "plain" else "␛[31mred") in on_screen
    assert "<U+202E>ztiuR<U+202C>" in on_screen and "<9B>2J" in on_screen and "<ALM>" in on_screen

    shown = command(capsys, "--db", store, "show", "1")
    assert f"] {on_screen}  (message 1)" in shown
    assert [f"  {line}" for line in on_screen_body] == shown.splitlines()[4:6]
    members = command(capsys, "--db", store, "member", "list")
    assert members.splitlines()[1].startswith(f"ana     {on_screen}  basic  {on_screen}")
    listed = command(capsys, "--db", store, "inbox")
    preview = json.loads(command(capsys, "--db", store, "inbox", "--json"))[0]["preview"]
    assert f"{on_screen[:27]}…" in listed and screens.literal(preview, one_line=True) in listed
    for out in (shown, members, listed):
        assert not any(ch in out for ch in OBEYED)


def test_json_keeps_the_text_as_it_was_written(store, capsys):
    shown = json.loads(command(capsys, "--db", store, "show", "1", "--json"))
    assert shown["title"] == NASTY and shown["messages"][0]["body"] == f"{NASTY}\nsecond line"
