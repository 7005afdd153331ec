"""The change feed: the store itself notes what each write touched, and forgets what no screen asks for."""

from __future__ import annotations

import time

from app.core import credits, inbox, members, messaging
from app.store import changes
from app.store.db import write
from app.store.live import ChangeWatcher
from app.store.models import Change


def noted_since(change_id: int) -> set[tuple[int | None, int | None]]:
    """(member, conversation) of every change after ``change_id``."""
    return {(c.member_id, c.conversation_id) for c in Change.select().where(Change.id > change_id)}


def newest() -> int:
    return Change.select(Change.id).order_by(Change.id.desc()).scalar() or 0


def test_a_message_is_noted_for_everyone_in_its_conversation(store):
    maya = members.add_member("maya", "Maya Chen").id
    omar = members.add_member("omar", "Omar Haddad").id
    members.connect("maya", "omar")
    before = newest()
    conversation = messaging.send(maya, ["omar"], "Lunch?").conversation
    assert {(maya, conversation), (omar, conversation)} <= noted_since(before)


def test_reading_a_conversation_is_noted_for_the_reader_alone(store):
    maya = members.add_member("maya", "Maya Chen").id
    omar = members.add_member("omar", "Omar Haddad").id
    members.connect("maya", "omar")
    conversation = messaging.send(maya, ["omar"], "Lunch?").conversation
    before = newest()
    inbox.mark_read(omar, conversation)
    assert noted_since(before) == {(omar, conversation)}


def test_settings_blocks_and_credits_are_noted_for_the_members_they_concern(store):
    maya = members.add_member("maya", "Maya Chen").id
    omar = members.add_member("omar", "Omar Haddad").id
    before = newest()
    members.update_setting(maya, "read-receipts", False)
    assert noted_since(before) == {(maya, None)}
    before = newest()
    members.block(maya, "omar")
    assert noted_since(before) == {(maya, None), (omar, None)}
    before = newest()
    credits.change_plan(omar, "premium-career")
    assert (omar, None) in noted_since(before)


def test_a_write_that_changes_nothing_notes_nothing(store):
    maya = members.add_member("maya", "Maya Chen").id
    omar = members.add_member("omar", "Omar Haddad").id
    members.connect("maya", "omar")
    conversation = messaging.send(maya, ["omar"], "Lunch?").conversation
    inbox.mark_read(omar, conversation)
    members.block(maya, "omar")
    before = newest()
    members.block(maya, "omar")
    inbox.mark_read(omar, conversation)
    members.update_setting(maya, "notifications", True)
    assert noted_since(before) == set()


def test_a_bulk_unit_notes_one_change_for_everyone(store):
    maya = members.add_member("maya", "Maya Chen").id
    before = newest()
    with write(bulk=True):
        for n in range(50):
            members.add_member(f"colleague-{n}", f"Colleague {n}")
        members.update_setting(maya, "notifications", False)
    assert list(Change.select().where(Change.id > before).tuples().select(Change.member, Change.conversation)) == [
        (None, None)
    ]


def test_a_bulk_unit_that_fails_leaves_the_feed_noting_every_write(store):
    maya = members.add_member("maya", "Maya Chen").id
    try:
        with write(bulk=True):
            members.add_member("omar", "Omar Haddad")
            raise RuntimeError("disk full")
    except RuntimeError:
        pass
    before = newest()
    members.update_setting(maya, "notifications", False)
    assert noted_since(before) == {(maya, None)}


def test_a_screen_sees_a_bulk_unit_as_one_refresh(store):
    maya = members.add_member("maya", "Maya Chen").id
    with ChangeWatcher(maya) as watcher:
        with write(bulk=True):
            members.add_member("omar", "Omar Haddad")
        deadline = time.monotonic() + 2
        while (changed := watcher.poll()) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert changed == set()


def test_the_feed_keeps_only_its_newest_rows(store):
    members.add_member("maya", "Maya Chen")
    maya = members.member_by_handle("maya").id
    written = changes.KEEP + 3 * changes.PRUNE_EVERY
    with write():
        for _ in range(0, written, 1000):
            Change.insert_many(
                [{"at": "2026-03-02 09:00:00", "member": maya, "kind": "state"} for _ in range(1000)]
            ).execute()
    top = newest()
    kept = Change.select().count()
    assert kept <= changes.KEEP + changes.PRUNE_EVERY
    assert Change.select().where(Change.id > top - changes.KEEP).count() == changes.KEEP
