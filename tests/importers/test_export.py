"""Export as JSON or as LinkedIn's 2024 messages.csv, and the round trip back in."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest

from app.core import delivery, messaging, moderation
from app.demo import build as demo
from app.core.errors import BadInput
from app.interchange.export import CSV_HEADER, export
from app.interchange.linkedin.linkedin import import_linkedin
from app.core.members import add_member, connect
from app.store.db import open_store
from app.store.models import Conversation, ConversationState, Draft, Member, Message

START = datetime(2026, 2, 1, 9, 0)


def build_office(now: datetime = START) -> int:
    """A small store made with the core API: 1:1, InMail, group, archived, spam, a draft."""
    add_member("me", "Robin Vale", plan="premium-career", now=now)
    add_member("ana-silva", "Ana Silva", company="Fjord Labs", now=now)
    add_member("ben-okafor", "Ben Okafor, MBA", now=now)
    add_member("eli-fischer", "Eli Fischer", plan="recruiter-lite", now=now)
    add_member("dana-k", "Dana Kowalczyk", now=now)
    connect("me", "ana-silva", now=now)
    connect("me", "ben-okafor", now=now)
    connect("me", "dana-k", now=now)
    me = Member.get(Member.handle == "me").id
    ana = Member.get(Member.handle == "ana-silva").id
    eli = Member.get(Member.handle == "eli-fischer").id
    at = now
    lunch = messaging.send(me, ["ana-silva"], 'Lunch, "the usual"?\nNoon.', now=(at := at + timedelta(minutes=5)))
    messaging.reply(ana, lunch.conversation, "Yes, see you", now=(at := at + timedelta(minutes=5)))
    hire = messaging.send(eli, ["me"], "A role for you, Robin.", subject="Staff engineer at Tern",
                          now=(at := at + timedelta(minutes=5)))
    messaging.reply(me, hire.conversation, "Tell me more", now=(at := at + timedelta(minutes=5)))
    group = messaging.send(me, ["ana-silva", "ben-okafor"], "Offsite in Porto?", now=(at := at + timedelta(minutes=5)))
    old = messaging.send(me, ["ben-okafor"], "Old thread", now=(at := at + timedelta(minutes=5)))
    moderation.apply(me, "archive", [old.conversation], now=at)
    spam = messaging.send(Member.get(Member.handle == "dana-k").id, ["me"], "Cheap followers",
                          now=(at := at + timedelta(minutes=5)))
    moderation.apply(me, "spam", [spam.conversation], now=at)
    messaging.save_draft(me, ["ana-silva"], "", "Running late", conversation_id=lunch.conversation, now=at)
    messaging.save_draft(me, ["ben-okafor"], "Bikes", "About the cargo bike", now=at)
    assert group.conversation
    return me


def snapshot(handle: str) -> dict:
    """The member's conversations, keyed by their first message: the same after a round trip."""
    me = Member.get(Member.handle == handle)
    rename = {handle: "me"}
    out = {}
    for state in ConversationState.select().where((ConversationState.member == me) & (ConversationState.box != 3)):
        conversation = state.conversation
        messages = [
            (rename.get(m.sender.handle, m.sender.handle) if m.sender else None, m.kind, m.subject,
             delivery.RECALLED_TEXT if m.recalled_at else m.body, m.sent_at)
            for m in Message.select().where(Message.conversation == conversation).order_by(Message.sent_at, Message.id)
        ]
        members = sorted(rename.get(s.member.handle, s.member.handle)
                         for s in ConversationState.select().where(ConversationState.conversation == conversation))
        out[messages[0][3:]] = {
            "kind": conversation.kind, "title": conversation.title, "subject": conversation.subject,
            "box": state.box, "folder": state.folder, "members": members, "messages": messages,
        }
    drafts = sorted((d.subject, d.body, d.to_handles) for d in Draft.select().where(Draft.member == me))
    return {"conversations": out, "drafts": drafts}


def exported(member_id: int, fmt: str) -> str:
    out = io.StringIO()
    export(member_id, fmt, out)
    return out.getvalue()


def round_trip(text: str, tmp_path, name: str = "copy") -> None:
    """Import an exported messages.csv into a new, empty SQLite store (left open)."""
    folder = tmp_path / f"{name}-export"
    folder.mkdir()
    (folder / "messages.csv").write_text(text, encoding="utf-8", newline="")
    open_store(str(tmp_path / f"{name}.db"))
    assert Member.select().count() == 0
    import_linkedin(folder)


def test_csv_is_linkedins_2024_layout(store):
    me = build_office()
    rows = list(csv.reader(io.StringIO(exported(me, "csv"))))
    assert tuple(rows[0]) == CSV_HEADER
    by_content = {row[8]: dict(zip(CSV_HEADER, row)) for row in rows[1:]}
    hire = by_content["A role for you, Robin."]
    assert (hire["CONVERSATION TITLE"], hire["SUBJECT"], hire["FROM"]) == \
        ("Staff engineer at Tern", "Staff engineer at Tern", "Eli Fischer")
    assert hire["SENDER PROFILE URL"] == "https://www.linkedin.com/in/eli-fischer"
    assert by_content["Old thread"]["FOLDER"] == "ARCHIVE"
    assert by_content["Cheap followers"]["FOLDER"] == "SPAM"
    porto = by_content["Offsite in Porto?"]
    assert porto["TO"] == "Ana Silva,Ben Okafor, MBA" and porto["RECIPIENT PROFILE URLS"].count(",") == 1
    draft = by_content["About the cargo bike"]
    assert (draft["FOLDER"], draft["IS MESSAGE DRAFT"], draft["IS CONVERSATION DRAFT"]) == ("", "Yes", "Yes")
    assert by_content["Running late"]["IS CONVERSATION DRAFT"] == "No"
    assert by_content["Tell me more"]["DATE"].endswith(" UTC")


def test_json_lists_conversations_with_members_messages_and_folders(store):
    me = build_office()
    conversations = json.loads(exported(me, "json"))
    assert len(conversations) == 5
    spam = next(c for c in conversations if c["box"] == "spam")
    assert spam["messages"][0]["body"] == "Cheap followers" and spam["spam"] is True
    inmail = next(c for c in conversations if c["kind"] == "inmail")
    assert inmail["subject"] == "Staff engineer at Tern"
    assert [m["handle"] for m in inmail["members"]] == ["eli-fischer", "me"]
    assert [m["sender"] for m in inmail["messages"]] == ["eli-fischer", "me"]
    lunch = next(c for c in conversations if c["drafts"])
    assert lunch["drafts"][0]["body"] == "Running late" and lunch["folder"] == "focused"


def test_an_unknown_format_is_refused(store):
    with pytest.raises(BadInput, match="'xml' is not an export format"):
        export(build_office(), "xml", io.StringIO())


def test_round_trip_of_a_store_built_with_the_core(tmp_path, clock):
    open_store(str(tmp_path / "office.db"))
    me = build_office()
    before = snapshot("me")
    round_trip(exported(me, "csv"), tmp_path)
    assert snapshot("me") == before


def test_round_trip_of_the_demo_store(tmp_path, clock):
    path = tmp_path / "demo.db"
    demo.build_demo(path)
    open_store(str(path))
    me = Member.get(Member.handle == demo.ME)
    before = snapshot(demo.ME)
    text = exported(me.id, "csv")
    assert len(before["conversations"]) > 20

    round_trip(text, tmp_path)

    assert snapshot("me") == before
    # The exported copy exports the same file again.
    copy = Member.get(Member.handle == "me")
    assert sorted(csv.reader(io.StringIO(exported(copy.id, "csv")))) == sorted(csv.reader(io.StringIO(text)))
    assert Conversation.select().count() == len(before["conversations"])
