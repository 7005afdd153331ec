"""Who is on it: in a shared inbox, teammates see who else has a conversation open ("Omar
Haddad is viewing") and who is writing a reply ("… is replying…"); never the other party,
never a non-teammate; gone five seconds after the last heartbeat, or at once on leaving.
Times are the real monotonic clock, made fake here rather than slept through."""

from __future__ import annotations

import time
from datetime import datetime
from time import monotonic as real_clock

import pytest

from app.core import members, messaging, presence
from app.core import team as team_module
from app.core.presence import Presence, open_by_teammates, teammates_of
from app.store import backend

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def team(store):
    """Acme Support's inbox, worked by Omar and Lena; Βασίλης and 健二 wrote to it; Dana is on no team."""
    ids = {handle: members.add_member(handle, name, now=T0).id for handle, name in (
        ("acme", "Acme Support"), ("omar", "Omar Haddad"), ("lena", "Lena Vogel"),
        ("vasilis", "Βασίλης Παπαδόπουλος"), ("kenji", "山田 健二"), ("dana", "Dana Ólafsdóttir, PhD"))}
    members.connect("vasilis", "acme")
    members.connect("kenji", "acme")
    ids["conversation"] = messaging.send(ids["vasilis"], ["acme"], "Η παραγγελία μου;", now=T0).conversation
    ids["other"] = messaging.send(ids["kenji"], ["acme"], "注文について 📦", now=T0).conversation
    team_module.add_delegate(ids["acme"], "acme", "omar", now=T0)
    team_module.add_delegate(ids["acme"], "acme", "lena", now=T0)
    return ids


class _Sides:
    """What a test opens, each closed as the test ends, as the process holding it would."""

    def __init__(self, team) -> None:
        self.team, self.opened = team, []

    def keep(self, thing):
        self.opened.append(thing)
        return thing

    def __call__(self, author: str, conversation: int | None = None) -> Presence:
        """The author's open thread, with signals of its own as a process of its own would have."""
        team = self.team
        return self.keep(Presence(conversation or team["conversation"], team[author],
                                  teammates_of(team["acme"], team[author]), backend.current().signals()))


@pytest.fixture
def sides(team):
    kept = _Sides(team)
    yield kept
    for thing in reversed(kept.opened):
        thing.close()


def _heard(viewer: Presence, within: float = 1.0) -> str | None:
    """What the viewer's line says once something is heard (or None after `within` seconds)."""
    deadline = real_clock() + within
    while real_clock() < deadline:
        seen = viewer.who()
        if seen:
            return seen
        time.sleep(0.05)
    return viewer.who()


def _shows(viewer: Presence, line: str, within: float = 1.0) -> str | None:
    """The viewer's line once it reads `line` (or as it reads after `within` seconds)."""
    deadline = real_clock() + within
    while viewer.who() != line and real_clock() < deadline:
        time.sleep(0.05)
    return viewer.who()


def _gone(viewer: Presence, within: float = 1.0) -> bool:
    deadline = real_clock() + within
    while viewer.who() is not None:
        if real_clock() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def fake_clock(monkeypatch):
    """The monotonic clock every side reads, moved by hand."""
    clock = [1000.0]
    monkeypatch.setattr(presence.time, "monotonic", lambda: clock[0])
    return clock


def test_a_teammate_who_opens_the_conversation_shows_as_viewing(sides):
    omar, lena = sides("omar"), sides("lena")
    assert lena.who() is None
    omar.open()
    assert _heard(lena) == "Omar Haddad is viewing"


def test_a_member_who_is_not_a_teammate_never_shows(team, sides):
    lena = sides("lena")
    outsider = sides.keep(Presence(team["conversation"], team["dana"], frozenset({team["acme"]}),
                                   backend.current().signals()))
    other_party = sides.keep(backend.current().signals())
    outsider.open()
    other_party.send(presence.VIEWING, team["conversation"], team["vasilis"])
    assert _heard(lena, within=0.6) is None


def test_the_other_party_never_sees_the_teammates(team, sides):
    """Βασίλης works in his own inbox alone: he has no teammates, so no line and no signal."""
    assert teammates_of(team["vasilis"], team["vasilis"]) == frozenset()
    alone = teammates_of(team["vasilis"], team["vasilis"])
    customer = sides.keep(Presence(team["conversation"], team["vasilis"], alone))
    omar = sides("omar")
    omar.open()
    omar.reply(True)
    time.sleep(0.3)
    assert not customer.active
    assert customer.who() is None


def test_replying_replaces_viewing_and_ends_when_the_box_is_emptied(sides):
    omar, lena = sides("omar"), sides("lena")
    omar.open()
    assert _heard(lena) == "Omar Haddad is viewing"
    omar.reply(True)
    assert _shows(lena, "Omar Haddad is replying…") == "Omar Haddad is replying…"
    omar.reply(False)  # sent, or the box emptied
    assert _shows(lena, "Omar Haddad is viewing") == "Omar Haddad is viewing"


def test_several_teammates_are_named_in_order_of_name(sides):
    omar, lena, owner = sides("omar"), sides("lena"), sides("acme")
    omar.open()
    owner.open()
    owner.reply(True)
    both = "Acme Support is replying… · Omar Haddad is viewing"
    assert _shows(lena, both) == both
    owner.reply(False)
    assert _shows(lena, "Acme Support and Omar Haddad are viewing") == "Acme Support and Omar Haddad are viewing"


def test_the_author_never_sees_themselves(sides):
    omar = sides("omar")
    omar.open()
    omar.reply(True)
    assert _heard(omar, within=0.5) is None


def test_viewing_goes_five_seconds_after_the_last_heartbeat(sides, fake_clock):
    omar, lena = sides("omar"), sides("lena")
    omar.open()
    assert _heard(lena) == "Omar Haddad is viewing"
    fake_clock[0] += presence.SHOWN_FOR - 0.5
    assert lena.who() == "Omar Haddad is viewing"
    fake_clock[0] += 1.0  # the process died: no heartbeat came
    assert lena.who() is None


def test_a_heartbeat_keeps_viewing_shown_while_the_thread_stays_open(sides, fake_clock):
    omar, lena = sides("omar"), sides("lena")
    omar.open()
    assert _heard(lena) == "Omar Haddad is viewing"
    for _ in range(6):  # twelve seconds with the thread open, a poll every two
        fake_clock[0] += presence.SIGNAL_EVERY
        omar.beat()
        assert _heard(lena) == "Omar Haddad is viewing"


def test_leaving_the_thread_ends_viewing_at_once(sides):
    omar, lena = sides("omar"), sides("lena")
    omar.open()
    omar.reply(True)
    assert _heard(lena)
    omar.close()
    assert _gone(lena, within=1.0)


def test_keys_in_a_burst_send_one_replying_signal_every_two_seconds(team, fake_clock):
    sent: list[tuple[str, bool]] = []

    class Counting:
        def send(self, kind, conversation_id, member_id, on=True):
            sent.append((kind, on))

        def heard(self, conversation_id):
            return {}

        def close(self):
            pass

    omar = Presence(team["conversation"], team["omar"], frozenset({team["acme"]}), Counting())
    omar.open()
    for _ in range(30):  # thirty keys in 1.5 seconds
        if omar.due(True):
            omar.reply(True)
        fake_clock[0] += 0.05
    assert sent == [("viewing", True), ("replying", True)]
    fake_clock[0] += 1.0
    omar.reply(True)
    omar.beat()
    assert sent[2:] == [("replying", True), ("viewing", True)]
    omar.reply(False)
    assert sent[-1] == ("replying", False)
    omar.close()
    assert sent[-1] == ("viewing", False)


def test_nothing_is_signalled_in_an_inbox_nobody_shares(team):
    own = Presence(team["conversation"], team["dana"], teammates_of(team["dana"], team["dana"]))
    assert not own.active and not own.due(True)
    own.open()
    own.reply(True)
    assert own.who() is None
    own.close()


def test_an_inboxs_teammates_are_its_member_and_its_delegates_but_the_author(team):
    assert teammates_of(team["acme"], team["omar"]) == frozenset({team["acme"], team["lena"]})
    assert teammates_of(team["acme"], team["acme"]) == frozenset({team["omar"], team["lena"]})
    team_module.remove_delegate(team["acme"], "acme", "lena", now=T0)
    assert teammates_of(team["acme"], team["omar"]) == frozenset({team["acme"]})
    assert teammates_of(team["dana"], team["dana"]) == frozenset()


def test_the_list_knows_which_conversations_a_teammate_has_open(team, sides, fake_clock):
    omar = sides("omar")
    outsider = sides.keep(Presence(team["other"], team["dana"], frozenset({team["acme"]}), backend.current().signals()))
    listening = sides.keep(backend.current().signals())
    crew = frozenset({team["acme"], team["omar"]})
    shown = [team["conversation"], team["other"]]
    omar.open()
    outsider.open()
    deadline = real_clock() + 1.0
    while not open_by_teammates(shown, crew, team["lena"], listening) and real_clock() < deadline:
        time.sleep(0.05)
    assert open_by_teammates(shown, crew, team["lena"], listening) == {team["conversation"]}
    assert open_by_teammates(shown, crew, team["omar"], listening) == set()  # not your own
    assert open_by_teammates([team["other"]], crew, team["lena"], listening) == set()
    fake_clock[0] += presence.SHOWN_FOR + 1
    assert open_by_teammates(shown, crew, team["lena"], listening) == set()


def test_a_teammates_name_is_read_once(sides, monkeypatch):
    omar, lena = sides("omar"), sides("lena")
    omar.open()
    assert _heard(lena) == "Omar Haddad is viewing"
    monkeypatch.setattr(presence, "tuples", lambda query: pytest.fail("a name read again"))
    assert lena.who() == "Omar Haddad is viewing"
