"""The command line of SPEC §9: exit codes, one-sentence errors, JSON keys, nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.store.db import open_store
from app.store.models import (
    Attachment,
    Block,
    Connection,
    Conversation,
    ConversationState,
    InMail,
    LedgerEntry,
    Member,
    Message,
)

ROOT = Path(__file__).resolve().parents[2]
FIXED_NOW = "2026-03-02T09:00:00Z"
COUNTED = (Member, Connection, Block, Conversation, ConversationState, Message, Attachment, InMail, LedgerEntry)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A store with "me", a premium recruiter, two basic members, and "me" connected to Ben."""
    path = tmp_path_factory.mktemp("template") / "parley.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARLEY_NOW", FIXED_NOW)
        patch.setenv("PARLEY_CONFIG", str(path.parent / "no-config.toml"))
        for argv in (
            ["member", "add", "me", "--name", "Maya Chen", "--plan", "premium-business", "--company", "Northwind"],
            ["member", "add", "ana", "--name", "Ana Ruiz", "--plan", "premium-career", "--company", "Beacon"],
            ["member", "add", "ben", "--name", "Ben Okafor", "--company", "Globex"],
            ["member", "add", "cleo", "--name", "Cleo Park", "--company", "Initech"],
            ["connect", "me", "ben"],
        ):
            assert main(["--db", str(path), *argv]) == 0
    return path


@pytest.fixture
def db(template, tmp_path, clock, monkeypatch, capsys):
    """A fresh copy of the template store for one test."""
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("PARLEY_DB", raising=False)
    path = tmp_path / "parley.db"
    shutil.copyfile(template, path)
    capsys.readouterr()
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def counts(target: str) -> dict[str, int]:
    store = open_store(target)
    try:
        return {model.__name__: model.select().count() for model in COUNTED}
    finally:
        store.close()


def one_sentence(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert "Traceback" not in err
    return err.strip()


# ---------------------------------------------------------------- usage


def test_help_names_every_command(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("demo", "member", "connect", "plan", "settings", "send", "reply", "recall", "conversation",
                    "report", "block", "unblock", "inbox", "show", "credits", "import", "export", "bench"):
        assert f"    {command}" in out


def test_bad_usage_is_one_line_and_exit_2(capsys):
    code, out, err = run(capsys, "send", "--to")
    assert code == 2 and out == ""
    assert one_sentence(err) == "parley send: argument --to: expected one argument. See 'parley send --help'."


@pytest.mark.parametrize("argv, sentence", [
    (["inbox", "--filter", "later"], "argument --filter: invalid choice: 'later'"),
    (["show", "abc"], "'abc' is not a conversation number"),
    (["recall", "0"], "a message number must be 1 or more"),
    (["settings", "allow-inmail", "maybe"], "'maybe' is not on or off"),
    (["send", "--to", "ben", "--body", "hi", "--body-file", "x.txt"], "not allowed with argument"),
    (["member"], "the following arguments are required: ACTION"),
    (["reply", "1", "--accept", "--decline"], "not allowed with argument"),
])
def test_argument_errors_exit_2(capsys, argv, sentence):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert sentence in one_sentence(err)


def test_python_dash_m_app_runs_the_command_line(tmp_path):
    env = {**os.environ, "PARLEY_NOW": "2026-03-02T09:00:00Z", "PARLEY_CONFIG": str(tmp_path / "none.toml")}
    env.pop("PARLEY_DB", None)

    def parley(*argv):
        return subprocess.run([sys.executable, "-m", "app", *argv], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=60)

    assert parley("--help").returncode == 0
    usage = parley("member", "add")
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a store")
    bad_store = parley("--db", str(text_file), "member", "list")
    assert bad_store.returncode == 2
    assert bad_store.stderr == f"{text_file} is not a Parley store.\n"
    target = str(tmp_path / "p.db")
    assert parley("--db", target, "member", "add", "ana", "--name", "Ana Ruiz").returncode == 0
    refused = parley("--db", target, "--as", "ana", "member", "list", "--json")
    assert refused.returncode == 0 and json.loads(refused.stdout)[0]["handle"] == "ana"


def test_the_command_line_starts_without_textual(tmp_path):
    code = ("import sys; from app.cli import main; "
            f"main(['--db', {str(tmp_path / 'p.db')!r}, 'member', 'list']); "
            "print('textual' in sys.modules, 'app.ui.app' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PARLEY_NOW": "2026-03-02T09:00:00Z"})
    assert done.stdout.split()[-2:] == ["False", "False"]


# ---------------------------------------------------------------- bad input: exit 2, one sentence, nothing written


BAD_INPUT = [
    ("unknown member", ["send", "--to", "nobody", "--body", "Hi"], "There is no member 'nobody'."),
    ("unknown acting member", ["--as", "ghost", "inbox"], "There is no member 'ghost'."),
    ("empty body", ["send", "--to", "ben", "--body", ""], "A message can't be empty."),
    ("whitespace body", ["send", "--to", "ben", "--body", "  \n\t "], "A message can't be empty."),
    ("subject over 200", ["send", "--to", "cleo", "--subject", "s" * 201, "--body", "Hello Cleo"],
     "A subject can be at most 200 characters."),
    ("InMail body over 2,000", ["send", "--to", "cleo", "--subject", "Role", "--body", "x" * 2001],
     "An InMail can be at most 2,000 characters."),
    ("message over 28,000", ["send", "--to", "ben", "--body", "x" * 28001],
     "A message can be at most 28,000 characters."),
    ("InMail without subject", ["send", "--to", "cleo", "--body", "Hello"], "An InMail needs a subject."),
    ("bad handle", ["member", "add", "Bad Handle!", "--name", "Bad"],
     "'Bad Handle!' is not a valid handle: use lowercase letters, digits and hyphens."),
    ("duplicate handle", ["member", "add", "ben", "--name", "Ben Two"], "There is already a member 'ben'."),
    ("unknown plan on add", ["member", "add", "dora", "--name", "Dora", "--plan", "gold"],
     "Unknown plan 'gold'; choose one of: basic, premium-career, premium-business, sales-navigator, recruiter-lite."),
    ("unknown plan on set", ["plan", "set", "ben", "gold"],
     "Unknown plan 'gold'; choose one of: basic, premium-career, premium-business, sales-navigator, recruiter-lite."),
    ("unknown conversation", ["show", "999"], "There is no conversation 999."),
    ("unknown setting", ["settings", "dark-mode", "on"], "There is no setting 'dark-mode'"),
    ("unclosed quote", ["inbox", "--search", '"budget review'], "A quote is not closed."),
    ("bad date", ["inbox", "--search", "before:2024-13-01"], "Dates look like before:2024-03-05."),
    ("unknown operator", ["inbox", "--search", "color:blue"], 'Unknown search operator "color:"'),
    ("bad report reason", ["report", "1", "--reason", "boring"], "'boring' is not a report reason"),
    ("unknown action", ["conversation", "shred", "1"], "Unknown action 'shred'"),
    ("missing body file", ["send", "--to", "ben", "--body-file", "/nonexistent/body.txt"],
     "Can't read /nonexistent/body.txt: No such file or directory."),
    ("missing attachment", ["send", "--to", "ben", "--body", "See attached", "--attach", "/nonexistent/cv.pdf"],
     "Can't read /nonexistent/cv.pdf: No such file or directory."),
]


@pytest.mark.parametrize("argv, sentence", [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT])
def test_bad_input_exits_2_with_one_sentence_and_writes_nothing(capsys, db, argv, sentence):
    before = counts(db)
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 2
    assert out == ""
    assert one_sentence(err).startswith(sentence)
    assert counts(db) == before


def test_a_file_that_is_not_a_parley_store_is_refused_untouched(capsys, tmp_path, clock):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"meeting notes\n")
    code, out, err = run(capsys, "--db", str(notes), "member", "list")
    assert code == 2 and out == ""
    assert one_sentence(err) == f"{notes} is not a Parley store."
    assert notes.read_bytes() == b"meeting notes\n"


def test_opening_the_inbox_on_a_file_that_is_not_a_store_is_bad_input(capsys, tmp_path, clock):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"meeting notes\n")
    code, out, err = run(capsys, "--db", str(notes))
    assert code == 2
    assert one_sentence(err) == f"{notes} is not a Parley store."


def test_another_programs_sqlite_database_is_refused_untouched(capsys, tmp_path, clock):
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE bookmarks (url TEXT)")
        conn.execute("INSERT INTO bookmarks VALUES ('https://example.com')")
    code, _, err = run(capsys, "--db", str(other), "inbox")
    assert code == 2
    assert one_sentence(err) == f"{other} is not a Parley store."
    with sqlite3.connect(other) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]
        assert tables == ["bookmarks"]
        assert conn.execute("SELECT url FROM bookmarks").fetchall() == [("https://example.com",)]


def test_a_folder_is_not_a_store(capsys, tmp_path, clock):
    code, _, err = run(capsys, "--db", str(tmp_path), "member", "list")
    assert code == 2
    assert one_sentence(err) == f"{tmp_path} is a folder, not a Parley store."


def test_a_store_that_cannot_be_created_is_bad_input(capsys, tmp_path, clock):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    target = blocker / "parley.db"
    code, _, err = run(capsys, "--db", str(target), "member", "add", "ana", "--name", "Ana")
    assert code == 2
    assert one_sentence(err).startswith(f"Can't create a store at {target}: ")


def test_a_read_only_store_is_bad_input_and_untouched(capsys, db, monkeypatch):
    import app.store.sqlite.connect as store_db

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root may write any file: make the permission check see what a user would.
        real_access = os.access
        monkeypatch.setattr(store_db.os, "access",
                            lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    before = Path(db).read_bytes()
    os.chmod(db, 0o400)
    try:
        code, _, err = run(capsys, "--db", db, "member", "add", "dora", "--name", "Dora")
    finally:
        os.chmod(db, 0o600)
    assert code == 2
    assert one_sentence(err) == f"{db} is read-only; Parley needs to write to it."
    assert Path(db).read_bytes() == before


def test_no_acting_member_says_how_to_choose_one(capsys, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "none.toml"))
    target = str(tmp_path / "p.db")
    assert main(["--db", target, "member", "add", "ana", "--name", "Ana Ruiz"]) == 0
    code, _, err = run(capsys, "--db", target, "inbox")
    assert code == 2
    assert one_sentence(err) == "Say who you are with --as HANDLE."


def test_a_bad_parley_now_is_bad_input(capsys, db, monkeypatch):
    monkeypatch.setenv("PARLEY_NOW", "next tuesday")
    code, _, err = run(capsys, "--db", db, "credits")
    assert code == 2
    assert one_sentence(err) == "'next tuesday' is not an ISO 8601 date and time."


# ---------------------------------------------------------------- refusals: exit 3, the rule's sentence


def test_basic_member_cannot_send_inmail(capsys, db):
    before = counts(db)
    code, out, err = run(capsys, "--db", db, "--as", "ben", "send", "--to", "cleo", "--subject", "Hi",
                         "--body", "Hello Cleo")
    assert (code, out, err) == (3, "", "InMail needs a Premium plan.\n")
    assert counts(db) == before


def test_blocked_members_are_refused_both_ways(capsys, db):
    assert run(capsys, "--db", db, "block", "ben")[0] == 0
    code, _, err = run(capsys, "--db", db, "send", "--to", "ben", "--body", "Hi Ben")
    assert (code, err) == (3, "You can't message this member.\n")
    code, _, err = run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "Hi Maya")
    assert (code, err) == (3, "You can't message this member.\n")
    assert run(capsys, "--db", db, "unblock", "ben")[0] == 0
    assert run(capsys, "--db", db, "send", "--to", "ben", "--body", "Hi Ben")[0] == 0


def test_inmail_turned_off_is_refused(capsys, db):
    assert run(capsys, "--db", db, "--as", "cleo", "settings", "allow-inmail", "off")[0] == 0
    code, _, err = run(capsys, "--db", db, "--as", "ana", "send", "--to", "cleo", "--subject", "Role",
                       "--body", "Hello Cleo")
    assert (code, err) == (3, "This member doesn't accept InMail.\n")


def test_second_inmail_waits_for_a_response(capsys, db):
    send = ("--db", db, "--as", "ana", "send", "--to", "cleo", "--subject", "Role", "--body", "Hello Cleo")
    assert run(capsys, *send)[0] == 0
    code, _, err = run(capsys, *send)
    assert (code, err) == (3, "You already sent this member an InMail; wait for a response before sending another.\n")


def test_no_credits_left_says_when_more_arrive(capsys, db):
    for n in range(5):
        handle = f"lead-{n}"
        assert main(["--db", db, "member", "add", handle, "--name", f"Lead {n}"]) == 0
        assert run(capsys, "--db", db, "--as", "ana", "send", "--to", handle, "--subject", "Hello",
                   "--body", "A short InMail.")[0] == 0
    code, _, err = run(capsys, "--db", db, "--as", "ana", "send", "--to", "cleo", "--subject", "Hello",
                       "--body", "A short InMail.")
    assert (code, err) == (3, "You have no InMail credits left; 5 more arrive on 2026-04-02.\n")


def test_recall_only_within_60_minutes(capsys, db, clock):
    code, out, _ = run(capsys, "--db", db, "--json", "send", "--to", "ben", "--body", "Wrong thread, sorry")
    sent = json.loads(out)
    message = sent["message"]
    clock("2026-03-02T10:00:01Z")
    code, _, err = run(capsys, "--db", db, "recall", str(message))
    assert (code, err) == (3, "You can only recall a message within 60 minutes of sending it.\n")
    clock("2026-03-02T09:30:00Z")
    code, out, _ = run(capsys, "--db", db, "recall", str(message))
    assert code == 0 and "Recalled message" in out
    code, out, _ = run(capsys, "--db", db, "--json", "show", str(sent["conversation"]))
    assert json.loads(out)["messages"][0]["body"] == "This message was deleted."


def test_open_profile_needs_premium(capsys, db):
    code, _, err = run(capsys, "--db", db, "--as", "ben", "settings", "open-profile", "on")
    assert (code, err) == (3, "Open Profile needs a Premium plan.\n")


# ---------------------------------------------------------------- JSON keys


def test_send_and_reply_json_keys(capsys, db):
    code, out, _ = run(capsys, "--db", db, "--as", "ana", "send", "--to", "cleo", "--subject", "Role",
                       "--body", "Hello Cleo", "--json")
    sent = json.loads(out)
    assert code == 0
    assert set(sent) == {"conversation", "message", "route", "credits_left"}
    assert sent["route"] == "inmail" and sent["credits_left"] == 4
    code, out, _ = run(capsys, "--db", db, "--as", "cleo", "--json", "reply", str(sent["conversation"]), "--accept")
    answered = json.loads(out)
    assert set(answered) == {"conversation", "message", "route", "credits_left"}
    assert answered["conversation"] == sent["conversation"] and answered["route"] == "message"


def test_credits_json_keys(capsys, db):
    code, out, _ = run(capsys, "--db", db, "credits", "--json")
    view = json.loads(out)
    assert code == 0
    assert set(view) == {"plan", "balance", "cap", "monthly", "next_grant", "ledger"}
    assert (view["plan"], view["balance"], view["cap"], view["monthly"]) == ("premium-business", 15, 45, 15)
    assert view["next_grant"] == "2026-04-02T09:00:00Z"
    assert view["ledger"] == [{"at": "2026-03-02T09:00:00Z", "kind": "grant", "amount": 15,
                               "reason": view["ledger"][0]["reason"]}]


def test_inbox_and_show_json_keys(capsys, db):
    run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "Lunch on Friday?")
    code, out, _ = run(capsys, "--db", db, "inbox", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 1
    assert set(rows[0]) == {"id", "title", "kind", "folder", "unread", "archived", "starred", "muted", "spam",
                            "last_at", "preview", "assignee"}
    assert rows[0]["title"] == "Ben Okafor" and rows[0]["unread"] == 1 and rows[0]["last_at"].endswith("Z")
    assert rows[0]["assignee"] is None  # an inbox of one: nobody is assigned anything
    code, out, _ = run(capsys, "--db", db, "show", str(rows[0]["id"]), "--json")
    thread = json.loads(out)
    assert set(thread) == {"id", "title", "messages"}
    assert thread["messages"] == [{"id": 1, "sender": "ben", "at": "2026-03-02T09:00:00Z",
                                   "body": "Lunch on Friday?", "kind": "message"}]


# ---------------------------------------------------------------- the commands at work


def test_acting_member_defaults_to_me_then_config(capsys, db, tmp_path, monkeypatch):
    run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "Hello Maya")
    assert "Ben Okafor" in run(capsys, "--db", db, "inbox")[1]
    config = tmp_path / "config.toml"
    config.write_text(f'db = "{db}"\nas = "ben"\n')
    monkeypatch.setenv("PARLEY_CONFIG", str(config))
    code, out, _ = run(capsys, "inbox")
    assert code == 0 and "Maya Chen" in out


def test_parley_db_environment_names_the_store(capsys, db, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", db)
    code, out, _ = run(capsys, "member", "list")
    assert code == 0 and "ana" in out and "Maya Chen" in out


def test_member_list_json(capsys, db):
    code, out, _ = run(capsys, "--db", db, "member", "list", "--json")
    members = json.loads(out)
    assert [m["handle"] for m in members] == ["ana", "ben", "cleo", "me"]
    assert members[0]["plan"] == "premium-career"


def test_settings_show_and_change(capsys, db):
    code, out, _ = run(capsys, "--db", db, "settings", "--json")
    assert code == 0
    assert set(json.loads(out)) == {"allow-inmail", "allow-open-profile", "allow-sponsored", "focused-inbox",
                                    "read-receipts", "notifications", "desktop-notifications", "open-profile"}
    for value, shown in (("no", "off"), ("TRUE", "on"), ("off", "off")):
        code, out, _ = run(capsys, "--db", db, "settings", "read-receipts", value)
        assert (code, out) == (0, f"read-receipts is {shown}.\n")
    code, out, _ = run(capsys, "--db", db, "settings")
    assert ["read-receipts", "off"] in [line.split() for line in out.splitlines()]
    assert run(capsys, "--db", db, "settings", "allow-inmail")[1] == "allow-inmail is on.\n"


def test_plan_set_forfeits_and_grants(capsys, db):
    code, out, _ = run(capsys, "--db", db, "plan", "set", "ben", "sales-navigator")
    assert (code, out) == (0, "Ben Okafor is now on Sales Navigator; 50 InMail credits held.\n")


def test_body_from_a_file_and_from_standard_input_with_attachments(capsys, db, tmp_path, monkeypatch):
    import io

    body = tmp_path / "body.txt"
    body.write_text("Agenda for Thursday attached.\n")
    agenda = tmp_path / "agenda.txt"
    agenda.write_text("09:00 Coffee\n")
    code, out, _ = run(capsys, "--db", db, "--json", "send", "--to", "ben", "--body-file", str(body),
                       "--attach", str(agenda), "--attach", str(agenda))
    assert code == 0
    conversation = json.loads(out)["conversation"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("And a second note from stdin."))
    assert run(capsys, "--db", db, "send", "--to", "ben", "--body-file", "-")[0] == 0
    code, out, _ = run(capsys, "--db", db, "show", str(conversation))
    assert "Agenda for Thursday attached." in out and "And a second note from stdin." in out
    assert out.count("agenda.txt (13 B, text/plain)") == 2


def test_group_send_to_connections(capsys, db):
    assert main(["--db", db, "connect", "me", "cleo"]) == 0
    code, out, _ = run(capsys, "--db", db, "send", "--to", "ben,cleo", "--body", "Offsite on the 12th?", "--json")
    assert code == 0 and json.loads(out)["route"] == "message"


def test_conversation_actions_report_and_filters(capsys, db):
    run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "Coffee?")
    run(capsys, "--db", db, "--as", "ana", "send", "--to", "me", "--subject", "Role", "--body", "A role for you")
    code, out, _ = run(capsys, "--db", db, "conversation", "archive", "1")
    assert (code, out) == (0, "Archive: 1 conversation (1).\n")
    archived = json.loads(run(capsys, "--db", db, "inbox", "--filter", "archived", "--json")[1])
    assert [r["id"] for r in archived] == [1] and archived[0]["archived"] is True
    assert run(capsys, "--db", db, "conversation", "star", "1", "2")[0] == 0
    starred = json.loads(run(capsys, "--db", db, "inbox", "--filter", "starred", "--json")[1])
    assert [r["id"] for r in starred] == [2]
    archived = json.loads(run(capsys, "--db", db, "inbox", "--filter", "archived", "--json")[1])
    assert archived[0]["starred"] is True
    code, out, _ = run(capsys, "--db", db, "report", "2", "--reason", "scam-or-fraud")
    assert code == 0 and "moved to Spam" in out
    spam = json.loads(run(capsys, "--db", db, "inbox", "--filter", "spam", "--json")[1])
    assert [r["id"] for r in spam] == [2] and spam[0]["spam"] is True
    code, _, err = run(capsys, "--db", db, "--as", "ana", "send", "--to", "me", "--body", "Hello again")
    assert (code, err) == (3, "You can't message this member.\n")


def test_search_finds_by_company_and_words(capsys, db):
    run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "The quarterly budget review is Friday")
    found = json.loads(run(capsys, "--db", db, "inbox", "--search", "budget company:globex", "--json")[1])
    assert [r["title"] for r in found] == ["Ben Okafor"]
    assert json.loads(run(capsys, "--db", db, "inbox", "--search", "-budget", "--json")[1]) == []


def test_search_results_are_newest_first_and_show_the_words_they_matched(capsys, db, clock, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    clock("2026-03-02T09:00:00Z")
    run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "Το budget της Globex είναι έτοιμο.")
    clock("2026-03-02T09:05:00Z")
    run(capsys, "--db", db, "--as", "ana", "send", "--to", "me", "--subject", "Role", "--body", "Budget approved")
    clock("2026-03-02T09:10:00Z")  # Ben writes again, about lunch: his conversation is the newest
    run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "Обед в час?")
    found = json.loads(run(capsys, "--db", db, "inbox", "--search", "budget", "--json")[1])
    assert [r["title"] for r in found] == ["Ben Okafor", "Ana Ruiz"]
    table = run(capsys, "--db", db, "inbox", "--search", "budget")[1].splitlines()
    assert "Το budget της Globex είναι έτοιμο." in table[1] and "Обед" not in table[1]


def test_human_output_is_tidy_and_literal(capsys, db, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    run(capsys, "--db", db, "--as", "ben", "send", "--to", "me", "--body", "Plain \x1b[2J[bold]text[/bold]\x00")
    code, out, _ = run(capsys, "--db", db, "inbox")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["ID", "NEW", "WHEN", "FROM", "FOLDER", "FLAGS", "PREVIEW"]
    assert lines[1].index("Ben Okafor") == lines[0].index("FROM")
    assert "2026-03-02 09:00" in lines[1]
    code, out, _ = run(capsys, "--db", db, "show", "1")
    assert "\x1b" not in out and "\x00" not in out
    assert "Plain ␛[2J[bold]text[/bold]␀" in out
    code, out, _ = run(capsys, "--db", db, "credits")
    assert code == 0 and "Balance     15 of 45 InMail credits" in out and "grant" in out


def test_unexpected_errors_are_short_unless_debug(capsys, db, monkeypatch):
    from app.cli import credits

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(credits, "credits_view", broken)
    code, out, err = run(capsys, "--db", db, "credits")
    assert code == 1
    assert one_sentence(err) == "Something went wrong: disk on fire (run with --debug for details)"
    code, _, err = run(capsys, "--db", db, "--debug", "credits")
    assert code == 1 and "Traceback" in err and "disk on fire" in err


def test_no_command_opens_the_tui_on_the_resolved_store(capsys, db, monkeypatch):
    from app.cli import launch

    opened = []
    monkeypatch.setattr(launch, "_run_app", lambda target, acting: opened.append((target, acting)) or 0)
    assert main(["--db", db, "--as", "ben"]) == 0
    monkeypatch.setenv("PARLEY_DB", db)
    assert main([]) == 0
    assert opened == [(db, "ben"), (db, None)]
