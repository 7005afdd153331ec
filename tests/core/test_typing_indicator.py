"""Typing indicators: one-to-one, not InMail, both members willing; shown within a second
of a key, gone within five seconds of the last one or at once when the reply is sent;
on the real monotonic clock, whatever the store's clock says."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from app.core import members, messaging, typing_indicator
from app.core.typing_indicator import Typing
from app.store import backend

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def pair(store):
    """Ana and Ben, connected, in a one-to-one conversation; Cleo joins a group with them."""
    ana = members.add_member("ana", "Ana Ruiz", plan="premium-business", now=T0).id
    ben = members.add_member("ben", "Ben Okafor, MBA", now=T0).id
    members.add_member("cleo", "Κλειώ Παπαδάκη", now=T0)
    members.connect("ana", "ben")
    conversation = messaging.send(ana, ["ben"], "Hi Ben", now=T0).conversation
    return ana, ben, conversation


def _two_sides(ana, ben, conversation):
    """Each side with its own signals, as two processes would have."""
    return (Typing(ben, conversation, backend.current().signals()),
            Typing(ana, conversation, backend.current().signals()))


def _shown(viewer: Typing, within: float) -> str | None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        seen = viewer.who()
        if seen:
            return seen
        time.sleep(0.05)
    return viewer.who()


def _gone(viewer: Typing, within: float) -> bool:
    deadline = time.monotonic() + within
    while viewer.who() is not None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_key_in_the_reply_box_shows_the_typing_indicator_on_the_other_side(pair):
    ana, ben, conversation = pair
    typist, viewer = _two_sides(ana, ben, conversation)
    try:
        assert viewer.who() is None
        typist.key()
        assert _shown(viewer, within=1.0) == "Ben Okafor, MBA is typing…"
        typist.stopped()  # the reply was sent
        assert _gone(viewer, within=1.0)
    finally:
        typist.close()
        viewer.close()


def test_the_typing_indicator_goes_five_seconds_after_the_last_key(pair, monkeypatch):
    ana, ben, conversation = pair
    typist, viewer = _two_sides(ana, ben, conversation)
    clock = [1000.0]
    monkeypatch.setattr(typing_indicator.time, "monotonic", lambda: clock[0])
    try:
        typist.key()
        _shown(viewer, within=1.0)
        clock[0] += typing_indicator.SHOWN_FOR - 0.5
        assert viewer.who() is not None
        clock[0] += 1.0
        assert viewer.who() is None
    finally:
        typist.close()
        viewer.close()


def test_keys_in_a_burst_send_one_signal_every_two_seconds(pair, monkeypatch):
    ana, ben, conversation = pair
    sent = []

    class Counting:
        def send(self, *signal, on=True):
            sent.append(on)

        def heard(self, conversation_id):
            return {}

        def close(self):
            pass

    clock = [50.0]
    monkeypatch.setattr(typing_indicator.time, "monotonic", lambda: clock[0])
    typist = Typing(ben, conversation, Counting())
    for _ in range(30):  # thirty keys in 1.5 seconds
        typist.key()
        clock[0] += 0.05
    assert sent == [True]
    clock[0] += 1.0
    typist.key()
    assert sent == [True, True]


def test_no_typing_indicator_on_inmail(store):
    ana = members.add_member("ana", "Ana Ruiz", plan="premium-business", now=T0).id
    members.add_member("zoe", "Zoë Marchetti", now=T0)
    conversation = messaging.send(ana, ["zoe"], "A job for you", subject="Role", now=T0).conversation
    assert typing_indicator.allowed(ana, conversation) is None


def test_no_typing_indicator_in_a_group(pair):
    ana, ben, conversation = pair
    members.connect("ana", "cleo")
    group = messaging.send(ana, ["ben", "cleo"], "All of us", now=T0).conversation
    assert typing_indicator.allowed(ana, group) is None


def test_no_typing_indicator_when_either_side_turned_it_off(pair):
    ana, ben, conversation = pair
    assert typing_indicator.allowed(ana, conversation) == ben
    members.update_setting(ben, "read-receipts", False)
    assert typing_indicator.allowed(ana, conversation) is None
    assert typing_indicator.allowed(ben, conversation) is None


def test_signals_leave_nothing_behind_once_closed(pair, backend, store):
    ana, ben, conversation = pair
    typist, viewer = _two_sides(ana, ben, conversation)
    typist.key()
    assert _shown(viewer, within=1.0)
    typist.close()
    assert _gone(viewer, within=1.0)
    viewer.close()
    if backend == "sqlite":
        from app.store.sqlite.signals import signals_folder

        assert not signals_folder(store.target).exists()
