"""Conversation actions of SPEC §6: triage in bulk, undo, report, mark safe."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from peewee import fn

from app.core import inbox, members, messaging, moderation, routing
from app.core.errors import BadInput, NotFound, Refused
from app.store.live import ChangeWatcher
from app.store.models import (
    BOX_ARCHIVED,
    BOX_DELETED,
    BOX_INBOX,
    BOX_SPAM,
    Block,
    ConversationState,
    Message,
    Report,
)

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def me(store):
    return members.add_member("me", "Maya Chen", now=T0).id


@pytest.fixture
def threads(me):
    """Six 1:1 conversations from connections, unread, newest last."""
    made = []
    for n in range(6):
        other = members.add_member(f"friend-{n}", f"Friend {n}", now=T0)
        members.connect("me", other.handle, now=T0)
        made.append(messaging.send(other.id, ["me"], f"Hello {n}", now=T0 + timedelta(minutes=n)).conversation)
    return made


def state(me: int, conversation_id: int) -> ConversationState:
    return ConversationState.get((ConversationState.member == me) & (ConversationState.conversation == conversation_id))


def flags(me: int, conversation_id: int) -> dict:
    s = state(me, conversation_id)
    return {f: getattr(s, f) for f in moderation.KEPT}


def listed(me: int, filter_name: str) -> set[int]:
    return {row.id for row in inbox.page(me, filter_name, limit=100)}


def test_archive_moves_many_conversations_at_once(me, threads):
    moderation.apply(me, "archive", threads[:4])
    assert listed(me, "archived") == set(threads[:4])
    assert listed(me, "all") == set(threads[4:])
    assert all(state(me, c).box == BOX_ARCHIVED for c in threads[:4])
    moderation.apply(me, "unarchive", threads[:2])
    assert listed(me, "all") == set(threads[:2] + threads[4:])


def test_star_mute_and_read_set_their_flags(me, threads):
    moderation.apply(me, "star", threads[:2])
    moderation.apply(me, "mute", threads[1:3])
    moderation.apply(me, "read", threads[:3])
    rows = {row.id: row for row in inbox.page(me)}
    assert [rows[c].starred for c in threads[:3]] == [True, True, False]
    assert [rows[c].muted for c in threads[:3]] == [False, True, True]
    assert [rows[c].unread for c in threads[:4]] == [0, 0, 0, 1]
    assert inbox.counts(me)["unread"] == 3
    last = Message.select(fn.MAX(Message.id)).where(Message.conversation == threads[0]).scalar()
    assert state(me, threads[0]).read_upto == last
    moderation.apply(me, "unstar", threads[:1])
    moderation.apply(me, "unmute", threads[1:2])
    assert listed(me, "starred") == {threads[1]}
    assert not state(me, threads[1]).muted


def test_mark_unread_brings_a_read_conversation_back_to_unread(me, threads):
    moderation.apply(me, "read", threads)
    moderation.apply(me, "unread", threads[:1])
    assert listed(me, "unread") == {threads[0]}
    assert state(me, threads[0]).unread == 1


def test_spam_and_not_spam_move_between_boxes(me, threads):
    moderation.apply(me, "spam", threads[:2])
    assert listed(me, "spam") == set(threads[:2]) and state(me, threads[0]).box == BOX_SPAM
    moderation.apply(me, "not-spam", threads[:2])
    assert listed(me, "spam") == set() and state(me, threads[0]).box == BOX_INBOX


def test_box_follows_deleted_then_spam_then_archived(me, threads):
    c = threads[0]
    moderation.apply(me, "archive", [c])
    moderation.apply(me, "spam", [c])
    assert state(me, c).box == BOX_SPAM
    moderation.apply(me, "delete", [c])
    assert state(me, c).box == BOX_DELETED
    moderation.apply(me, "not-spam", [c])
    assert state(me, c).box == BOX_DELETED


def test_undo_restores_a_bulk_delete_exactly(me, threads):
    moderation.apply(me, "archive", threads[:1])
    moderation.apply(me, "read", threads[1:2])
    before = {c: flags(me, c) for c in threads}
    token = moderation.apply(me, "delete", threads)
    assert inbox.counts(me)["all"] == 0 and inbox.counts(me)["archived"] == 0
    moderation.undo(me, token)
    assert {c: flags(me, c) for c in threads} == before


@pytest.mark.parametrize("action", moderation.ACTIONS)
def test_undo_restores_every_action(me, threads, action):
    moderation.apply(me, "star", threads[:2])
    moderation.apply(me, "archive", threads[2:3])
    moderation.apply(me, "read", threads[3:4])
    before = {c: flags(me, c) for c in threads}
    token = moderation.apply(me, action, threads)
    moderation.undo(me, token)
    assert {c: flags(me, c) for c in threads} == before


def test_an_unknown_conversation_changes_nothing(me, threads):
    with pytest.raises(NotFound, match="There is no conversation 999."):
        moderation.apply(me, "archive", [threads[0], 999])
    assert not state(me, threads[0]).archived


def test_someone_elses_conversation_is_not_found(me, threads):
    stranger = members.add_member("stranger", "Stranger", now=T0).id
    with pytest.raises(NotFound):
        moderation.apply(stranger, "delete", threads[:1])
    with pytest.raises(NotFound):
        moderation.report(stranger, threads[0], "spam")
    with pytest.raises(NotFound):
        moderation.apply(me, "star", ["not-a-number"])


def test_unknown_action_and_empty_selection_are_sentences(me, threads):
    with pytest.raises(BadInput, match="Unknown action 'pin'"):
        moderation.apply(me, "pin", threads)
    with pytest.raises(BadInput, match="Choose at least one conversation."):
        moderation.apply(me, "archive", [])


def test_a_bulk_action_reaches_the_screens_in_one_look(me, threads):
    with ChangeWatcher(me) as watcher:
        moderation.apply(me, "archive", threads)
        deadline = time.monotonic() + 2
        while (changed := watcher.poll()) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert changed == set(threads)
        assert watcher.poll() is None


def test_report_moves_to_spam_and_blocks_the_sender(me, threads):
    sender = state(me, threads[0]).peer_id
    moderation.report(me, threads[0], "harassment")
    report = Report.get(Report.conversation == threads[0])
    assert (report.reporter_id, report.reported_id, report.reason) == (me, sender, "harassment")
    assert listed(me, "spam") == {threads[0]}
    assert Block.select().where((Block.blocker == me) & (Block.blocked == sender)).exists()
    assert routing.route(sender, me).refusal == "You can't message this member."
    with pytest.raises(Refused, match="You can't message this member."):
        messaging.send(sender, ["me"], "Why did you block me?")


def test_report_needs_one_of_the_reasons(me, threads):
    with pytest.raises(BadInput, match="Choose a reason: spam, scam or fraud"):
        moderation.report(me, threads[0], "boring")


def test_reporting_a_group_blocks_its_last_other_writer(me, threads):
    members.connect("me", "friend-0", now=T0)
    group = messaging.send(me, ["friend-0", "friend-1"], "Hi both", now=T0 + timedelta(hours=1)).conversation
    writer = members.member_by_handle("friend-1").id
    messaging.reply(writer, group, "Spammy link www.example.com", now=T0 + timedelta(hours=2))
    moderation.report(me, group, "spam")
    assert Block.select().where((Block.blocker == me) & (Block.blocked == writer)).exists()


def test_mark_safe_removes_the_link_warning(me):
    rita = members.add_member("rita", "Rita Okafor", plan="sales-navigator", now=T0).id
    sent = messaging.send(rita, ["me"], "Apply at https://example.com/jobs", subject="Jobs", now=T0)
    assert inbox.thread(me, sent.conversation).link_warning
    moderation.mark_safe(me, sent.conversation)
    assert state(me, sent.conversation).marked_safe
    assert not inbox.thread(me, sent.conversation).link_warning


def test_u_on_a_selection_marks_all_read_when_any_is_unread_then_all_unread(me, threads):
    moderation.apply(me, "read", threads[:4])
    token = moderation.toggle(me, "read", threads)
    assert token.action == "read" and set(token.conversation_ids) == set(threads[4:])
    assert inbox.counts(me).unread_by_filter["all"] == 0
    again = moderation.toggle(me, "read", threads)
    assert again.action == "unread" and set(again.conversation_ids) == set(threads)
    assert inbox.counts(me).unread_by_filter["all"] == 6


def test_undo_of_mark_read_gives_back_each_conversations_read_state(me, threads):
    moderation.apply(me, "read", threads[:2])
    before = {c: flags(me, c) for c in threads}
    token = moderation.toggle(me, "read", threads)
    moderation.undo(me, token)
    assert {c: flags(me, c) for c in threads} == before


def test_an_action_that_changes_nothing_leaves_nothing_to_undo(me, threads):
    moderation.apply(me, "archive", threads[:1])
    assert moderation.apply(me, "archive", threads[:1]).previous == ()
    token = moderation.apply(me, "star", threads[:3])
    assert len(token.previous) == 3
    assert len(moderation.apply(me, "star", threads[:4]).previous) == 1
