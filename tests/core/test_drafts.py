"""Drafts (SPEC §8): kept while written, listed beside the filters, removed by sending."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.core import drafts, messaging
from app.core.errors import NotFound
from app.core.members import add_member, connect

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def people(store):
    me = add_member("me", "Zoë Ångström", plan="premium-business", now=T0)
    li = add_member("li-wei", "李伟", company="北京数据", now=T0)
    ana = add_member("ana", "Ana Ruiz, Jr.", now=T0)
    connect("me", "li-wei", now=T0)
    connect("me", "ana", now=T0)
    chat = messaging.send(li.id, ["me"], "你好！", now=T0).conversation
    return me, li, ana, chat


def test_the_drafts_list_shows_both_kinds_newest_first_with_its_count(people):
    me, _, _, chat = people
    messaging.save_draft(me.id, ["ana"], "Lunch", "Ana, lunch on Friday? 🥗", now=T0 + timedelta(minutes=1))
    messaging.save_draft(me.id, [], "", "回复一半", conversation_id=chat, now=T0 + timedelta(minutes=2))
    rows = drafts.page(me.id)
    assert [(row.title, row.kind, row.preview) for row in rows] == [
        ("李伟", "draft", "Draft: 回复一半"),
        ("Ana Ruiz, Jr.", "draft", "Draft: Ana, lunch on Friday? 🥗"),
    ]
    assert drafts.counts(me.id)["drafts"] == 2
    assert drafts.page(me.id, after=rows[0].cursor) == rows[1:]
    assert drafts.last_page(me.id, limit=1) == rows[1:]
    assert drafts.page_before(me.id, before=rows[1].cursor) == rows[:1]
    assert drafts.ids(me.id) == [row.id for row in rows]


def test_a_reply_removes_the_conversations_draft_and_a_send_the_draft_to_the_same_people(people):
    me, _, _, chat = people
    messaging.save_draft(me.id, [], "", "Half a reply", conversation_id=chat)
    messaging.save_draft(me.id, ["ana"], "", "Half a message")
    messaging.reply(me.id, chat, "A whole reply")
    assert [d.body for d in messaging.drafts(me.id)] == ["Half a message"]
    messaging.send(me.id, ["@ana"], "A whole message")
    assert messaging.drafts(me.id) == []


def test_emptying_a_draft_removes_it_and_a_reopened_draft_is_updated_in_place(people):
    me, _, _, chat = people
    kept = messaging.save_draft(me.id, ["ana"], "", "First words")
    again = messaging.save_draft(me.id, ["li-wei"], "", "Other words", draft_id=kept)
    assert again == kept and [d.to_handles for d in messaging.drafts(me.id)] == [("li-wei",)]
    assert messaging.save_draft(me.id, ["li-wei"], "", "   ", draft_id=kept) is None
    assert messaging.drafts(me.id) == []
    assert messaging.reply_draft(me.id, chat) is None


def test_a_draft_belongs_to_its_member(people):
    me, li, _, _ = people
    kept = messaging.save_draft(me.id, ["ana"], "", "Mine")
    with pytest.raises(NotFound):
        messaging.draft(li.id, kept)
    with pytest.raises(NotFound):
        messaging.delete_draft(kept, li.id)
    assert messaging.draft(me.id, kept).body == "Mine"
