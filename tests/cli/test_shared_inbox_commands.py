"""`--inbox` and the shared inbox's commands: the right exit code and one sentence for every refusal."""

from __future__ import annotations

import json

import pytest

from app.cli import main


@pytest.fixture
def desk(store_target, store, capsys):
    def run(*words: str) -> tuple[int, str, str]:
        code = main(["--db", store_target, *words])
        out, err = capsys.readouterr()
        return code, out, err

    for handle, name in (("acme", "Acme Support"), ("omar", "Omar Haddad"), ("ana", "Ana Lima, PhD"),
                         ("eve", "Eve Стрелкова")):
        assert run("member", "add", handle, "--name", name)[0] == 0
    assert run("connect", "ana", "acme")[0] == 0
    assert run("--as", "acme", "delegate", "add", "acme", "omar")[0] == 0
    assert run("--as", "ana", "send", "--to", "acme", "--body", "Здравствуйте 👋")[0] == 0
    return run


def test_a_stranger_is_refused_and_learns_nothing_about_the_inbox(desk):
    for inbox in ("acme", "no-such-member"):
        for command in (["inbox"], ["show", "1"], ["inbox", "--search", "Здравствуйте"], ["audit"],
                        ["export", "--format", "json"], ["assign", "1", "eve"], ["note", "1", "--body", "x"]):
            code, out, err = desk("--as", "eve", "--inbox", inbox, *command)
            assert (code, out, err) == (3, "", "You can't work in this inbox.\n"), command


def test_a_command_of_ones_own_refuses_another_inbox(desk):
    code, out, err = desk("--as", "omar", "--inbox", "acme", "settings")
    assert (code, err) == (2, "This command works in your own inbox only; leave out --inbox.\n")
    code, _, err = desk("--as", "omar", "--inbox", "acme", "delegate", "add", "acme", "eve")
    assert code == 2


def test_only_the_inbox_member_adds_delegates(desk):
    code, _, err = desk("--as", "omar", "delegate", "add", "acme", "eve")
    assert (code, err) == (3, "Only Acme Support can add or remove the delegates of their inbox.\n")


def test_assign_needs_a_teammate_or_none(desk):
    code, _, err = desk("--as", "omar", "--inbox", "acme", "assign", "1")
    assert (code, err) == (2, "parley assign: one of the arguments HANDLE --none is required. "
                              "See 'parley assign --help'.\n")
    code, _, err = desk("--as", "omar", "--inbox", "acme", "assign", "1", "eve")
    assert (code, err) == (3, "Eve Стрелкова doesn't work in this inbox; add them as a delegate first.\n")
    code, out, _ = desk("--as", "omar", "--inbox", "acme", "assign", "1", "omar", "--json")
    assert (code, json.loads(out)) == (0, {"conversation": 1, "assignee": "omar"})
    code, out, _ = desk("--as", "omar", "--inbox", "acme", "inbox", "--filter", "mine", "--json")
    assert [(row["id"], row["assignee"]) for row in json.loads(out)] == [(1, "Omar")]


def test_an_empty_note_and_a_bad_date_are_one_sentence(desk):
    code, _, err = desk("--as", "omar", "--inbox", "acme", "note", "1", "--body", "   ")
    assert (code, err) == (2, "A note can't be empty.\n")
    code, _, err = desk("--as", "omar", "--inbox", "acme", "audit", "--since", "last tuesday")
    assert (code, err) == (2, "'last tuesday' is not a date; write it as 2026-12-03 or 2026-12-03T09:30.\n")


def test_tables_line_up_under_wide_names(desk, store_target):
    assert desk("member", "add", "kenji", "--name", "渡辺 健二")[0] == 0
    assert desk("connect", "kenji", "acme")[0] == 0
    assert desk("--as", "kenji", "send", "--to", "acme", "--body", "請求書")[0] == 0
    _, out, _ = desk("--as", "acme", "inbox")
    header, *rows = out.splitlines()
    # FOLDER starts in the same terminal column on every line, whatever the name's width.
    from app.presentation import cell_width

    column = cell_width(header[: header.index("FOLDER")])
    assert all(cell_width(row[: row.index("focused")]) == column for row in rows)
