"""`parley drafts`: the messages and replies kept while being written, on every backend."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.core import members, messaging
from app.store.db import open_store


@pytest.fixture(autouse=True)
def no_config(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("PARLEY_DB", raising=False)


def setup(target: str) -> dict:
    store = open_store(target)
    try:
        me = members.add_member("me", "Μαρία Παπαδοπούλου", plan="premium-business")
        olga = members.add_member("olga", "Ольга Смирнова")
        members.add_member("summit-cloud", "Summit Cloud", kind="company")
        members.connect("me", "olga")
        chat = messaging.send(olga.id, ["me"], "Привет! Как дела?").conversation
        messaging.save_draft(me.id, ["olga"], "Καλημέρα", "Ένα σχέδιο με τόνους 🌅")
        messaging.save_draft(me.id, [], "", "Half a reply, 半分", conversation_id=chat)
        return {"chat": chat}
    finally:
        store.close()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_drafts_lists_compose_and_reply_drafts_as_json(store_target, store, capsys):
    store.close()
    made = setup(store_target)
    code, out, err = run(capsys, "--db", store_target, "--as", "me", "drafts", "--json")
    assert code == 0 and err == ""
    listed = json.loads(out)
    assert [set(d) for d in listed] == [{"id", "to", "subject", "body", "conversation", "updated_at"}] * 2
    by_body = {d["body"]: d for d in listed}
    compose = by_body["Ένα σχέδιο με τόνους 🌅"]
    assert (compose["to"], compose["subject"], compose["conversation"]) == (["olga"], "Καλημέρα", None)
    reply = by_body["Half a reply, 半分"]
    assert (reply["to"], reply["conversation"]) == (["olga"], made["chat"])
    assert reply["updated_at"].endswith("Z")


def test_drafts_as_a_table_and_sending_removes_the_draft(store_target, store, capsys):
    store.close()
    made = setup(store_target)
    code, out, _ = run(capsys, "--db", store_target, "--as", "me", "drafts")
    assert code == 0 and "Καλημέρα — Ένα σχέδιο" in out and "Half a reply" in out
    assert run(capsys, "--db", store_target, "--as", "me", "reply", str(made["chat"]), "--body", "Всё хорошо")[0] == 0
    code, out, _ = run(capsys, "--db", store_target, "--as", "me", "drafts", "--json")
    assert [d["body"] for d in json.loads(out)] == ["Ένα σχέδιο με τόνους 🌅"]
    code, out, _ = run(capsys, "--db", store_target, "--as", "me", "inbox", "--filter", "drafts", "--json")
    assert code == 0 and [row["kind"] for row in json.loads(out)] == ["draft"]
    assert run(capsys, "--db", store_target, "--as", "me", "send", "--to", "olga", "--body", "Γεια")[0] == 0
    code, out, _ = run(capsys, "--db", store_target, "--as", "me", "drafts")
    assert code == 0 and out == "No drafts.\n"


def test_company_account_cannot_be_sent_a_message_exit_3(store_target, store, capsys):
    store.close()
    setup(store_target)
    code, out, err = run(capsys, "--db", store_target, "--as", "me", "send", "--to", "summit-cloud",
                         "--subject", "A role", "--body", "Hello")
    assert (code, out) == (3, "")
    assert err == "A company account can't be messaged or sent InMail; it only sends sponsored messages.\n"
