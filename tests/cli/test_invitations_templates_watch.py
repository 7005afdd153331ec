"""The command line for invitations, saved replies and watch (SPEC §9's exit codes), on
both backends: 0 done, 2 bad input, 3 refused by a rule; and watch hears another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hardening import build_team, fingerprint, one_line, run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def team(store, store_target, tmp_path, monkeypatch, capsys):
    """Maya ("me", premium), Ana and Ben, Maya and Ben connected, on each backend."""
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("PARLEY_DB", raising=False)
    store.close()
    build_team(store_target)
    capsys.readouterr()
    return store_target


def test_an_invitation_is_listed_as_json_and_accepted_into_a_free_conversation(team, capsys):
    assert run(capsys, "--db", team, "--as", "me", "invite", "ana", "--note", "Ciao — parliamo? 🙂")[0] == 0
    code, out, _ = run(capsys, "--db", team, "--as", "ana", "invitations", "--json")
    assert code == 0
    (listed,) = json.loads(out)
    assert {k: listed[k] for k in ("handle", "name", "note", "direction")} == {
        "handle": "me", "name": "Maya Chen", "note": "Ciao — parliamo? 🙂", "direction": "received"}
    assert listed["sent_at"].endswith("Z") and "headline" in listed
    code, out, _ = run(capsys, "--db", team, "--as", "me", "invitations", "--sent", "--json")
    assert [i["handle"] for i in json.loads(out)] == ["ana"]
    code, out, _ = run(capsys, "--db", team, "--as", "ana", "accept", "me")
    assert (code, out) == (0, "You and Maya Chen are connected: messages between you are free.\n")
    code, out, _ = run(capsys, "--db", team, "--as", "me", "send", "--to", "ana", "--body", "Welcome!", "--json")
    assert json.loads(out)["route"] == "message"


@pytest.mark.parametrize("argv, code, sentence", [
    (["--as", "me", "invite", "ben"], 3, "You and Ben Okafor are already connected."),
    (["--as", "me", "invite", "me"], 3, "You can't invite yourself."),
    (["--as", "me", "invite", "ana", "--note", "x" * 301], 2,
     "An invitation's note can be at most 300 characters; this one has 301."),
    (["--as", "me", "invite", "nobody"], 2, "There is no member 'nobody'."),
    (["--as", "ana", "accept", "me"], 2, "Maya Chen has no pending invitation to you."),
    (["--as", "me", "withdraw", "ana"], 2, "You have no pending invitation to Ana Ruiz."),
    (["--as", "me", "template", "add", "t", "--body", "Hi {nom}"], 2,
     "A template can't fill the placeholder {nom}; it knows {first_name}, {last_name}, {name}, {company}, "
     "{position}, {my_first_name}."),
    (["--as", "me", "send", "--to", "ben", "--template", "nothing"], 2, "There is no template 'nothing'."),
])
def test_refused_invitations_and_templates_say_why_and_change_nothing(team, capsys, argv, code, sentence):
    before = fingerprint(team)
    got, _, err = run(capsys, "--db", team, *argv)
    assert (got, one_line(err)) == (code, sentence)
    assert fingerprint(team) == before


def test_a_template_is_sent_to_each_recipient_filled_for_them(team, capsys):
    assert run(capsys, "--db", team, "--as", "me", "template", "add", "hello", "--subject", "For {first_name}",
               "--body", "Dear {first_name}, — {my_first_name}")[0] == 0
    code, out, _ = run(capsys, "--db", team, "--as", "me", "template", "list", "--json")
    assert [(t["name"], t["subject"]) for t in json.loads(out)] == [("hello", "For {first_name}")]
    code, out, _ = run(capsys, "--db", team, "--as", "me", "send", "--to", "ana,ben", "--template", "hello", "--json")
    assert code == 0
    sent = json.loads(out)
    assert [(s["to"], s["route"]) for s in sent] == [("ana", "inmail"), ("ben", "message")]
    code, out, _ = run(capsys, "--db", team, "--as", "ana", "show", str(sent[0]["conversation"]), "--json")
    shown = json.loads(out)
    assert shown["messages"][-1]["body"] == "Dear Ana, — Maya"


def _watch(target: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app", "--db", target, "--as", "ben", "watch", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _next_line(process: subprocess.Popen, within: float) -> tuple[dict, float]:
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    started = time.monotonic()
    assert selector.select(timeout=within), "watch printed nothing in time"
    return json.loads(process.stdout.readline()), time.monotonic() - started


def test_watch_hears_a_message_from_another_process_within_two_seconds(team, capsys, tmp_path):
    env = {**os.environ, "PARLEY_CONFIG": str(tmp_path / "no-config.toml")}
    watcher = _watch(team, env)
    try:
        time.sleep(1.5)  # let it start and take its first look
        assert watcher.poll() is None, watcher.stderr.read()
        sender = subprocess.run([sys.executable, "-m", "app", "--db", team, "--as", "me", "reply", "1",
                                 "--body", "Ещё одно сообщение"], env=env, cwd=ROOT, capture_output=True, text=True)
        assert sender.returncode == 0, sender.stderr
        event, waited = _next_line(watcher, within=2.0)
        assert {k: event[k] for k in ("event", "conversation", "sender", "preview")} == {
            "event": "message", "conversation": 1, "sender": "me", "preview": "Ещё одно сообщение"}
        assert set(event) == {"at", "event", "conversation", "message", "sender", "preview"}
        assert waited < 2.0
        assert run(capsys, "--db", team, "--as", "ben", "conversation", "archive", "1")[0] == 0
        event, _ = _next_line(watcher, within=2.0)
        assert (event["event"], event["conversation"]) == ("archive", 1)
    finally:
        watcher.send_signal(2)
        assert watcher.wait(timeout=10) == 0
