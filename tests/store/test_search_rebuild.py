"""Rebuilding the full-text index from the store finds what the index found before."""

from __future__ import annotations

from app.core import members, messaging
from app.store import backend
from app.store.db import write
from app.store.models import BOX_INBOX
from app.store.search import matching_messages


def found(member_id: int, words=(), people=()) -> list[int]:
    phrases = [((word,), False) for word in words]
    named = [((name,), False) for name in people]
    return [row[0] for row in matching_messages(member_id, phrases, people=named, boxes=[BOX_INBOX])]


def test_a_rebuilt_index_finds_the_same_messages_by_text_and_by_people(store):
    maya = members.add_member("maya", "Maya Chen", company="Northwind").id
    omar = members.add_member("omar", "Omar Haddad", headline="Design director").id
    lena = members.add_member("lena", "Lena Vogel").id
    members.connect("maya", "omar")
    members.connect("maya", "lena")
    members.connect("omar", "lena")
    messaging.send(maya, ["omar"], "Quarterly roadmap review on Friday?")
    messaging.send(omar, ["maya"], "Friday works; café at noon.")
    messaging.send(lena, ["maya", "omar"], "Group lunch after the roadmap review")
    asked = [(maya, ("roadmap",), ()), (maya, ("cafe",), ()), (omar, (), ("lena",)),
             (lena, ("friday",), ()), (maya, (), ("design",))]
    before = [found(member, words, people) for member, words, people in asked]
    assert all(before[:3]) and before[3] == []
    with write():
        backend.current().rebuild_search_index()
    assert [found(member, words, people) for member, words, people in asked] == before
