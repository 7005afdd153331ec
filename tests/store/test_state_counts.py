"""The filter counts the store keeps as it is written always equal a recount of the conversations."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st
from peewee import SQL, fn

from app.core import credits, inbox, members, messaging, moderation
from app.core.errors import ParleyError
from app.core.views import FILTERS, TEAM_FILTERS
from app.store.db import write
from app.store.models import ConversationState as S, Member, StateCount

START = datetime(2026, 3, 2, 9, 0)
PEOPLE = 4
ACTIONS = ("archive", "unarchive", "star", "unstar", "read", "unread", "spam", "not-spam", "delete", "mute")
_runs = itertools.count()

step = st.one_of(
    st.tuples(st.just("send"), st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1), st.booleans()),
    st.tuples(st.just("reply"), st.integers(0, PEOPLE - 1), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("act"), st.integers(0, PEOPLE - 1), st.integers(0, 20), st.sampled_from(ACTIONS)),
    st.tuples(st.just("days"), st.integers(1, 100), st.just(0), st.just(0)),
)


def recount() -> set[tuple]:
    """Every member's combinations as a GROUP BY over their conversations finds them."""
    rows = S.select(S.member, S.box, S.folder, S.has_unread, S.connected, S.inmail, S.starred,
                    fn.COUNT(SQL("*"))).group_by(S.member, S.box, S.folder, S.has_unread, S.connected,
                                                 S.inmail, S.starred).tuples()
    return {(m, b, f, bool(u), bool(c), bool(i), bool(s), n) for m, b, f, u, c, i, s, n in rows}


def kept() -> set[tuple]:
    C = StateCount
    rows = C.select(C.member, C.box, C.folder, C.has_unread, C.connected, C.inmail, C.starred, C.n).where(
        C.n != 0).tuples()
    return {(m, b, f, bool(u), bool(c), bool(i), bool(s), n) for m, b, f, u, c, i, s, n in rows}


def cast() -> list[int]:
    run = next(_runs)
    people = [members.add_member(f"p{run}-{n}", name, plan="premium-career" if n % 2 else "basic", now=START)
              for n, name in enumerate(("Ζωή Παπαδοπούλου", "Олег Петров", "王芳", "O'Brien, Seán 🍀"))]
    members.connect(people[0].handle, people[1].handle, now=START)
    members.connect(people[2].handle, people[3].handle, now=START)
    return [p.id for p in people]


def apply(step, people: list[int], at: datetime) -> datetime:
    kind, a, b, option = step
    if kind == "days":
        credits.settle(at + timedelta(days=a))
        return at + timedelta(days=a)
    me = people[a]
    try:
        if kind == "send" and a != b:
            handle = Member.get_by_id(people[b]).handle
            messaging.send(me, [handle], "Привет 👋", subject="Ρόλος" if option else None, now=at)
        else:
            mine = [cid for (cid,) in S.select(S.conversation).where(S.member == me).order_by(S.id).tuples()]
            if mine:
                chosen = mine[b % len(mine)]
                if kind == "reply":
                    messaging.reply(me, chosen, "好的", accept=option, now=at)
                else:
                    moderation.apply(me, option, [chosen], now=at)
    except ParleyError:
        pass  # a refusal writes nothing; the counts must still hold
    return at + timedelta(minutes=1)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(step, max_size=25))
def test_kept_counts_equal_a_recount_after_any_writes(store, steps):
    people = cast()
    at = START
    for one in steps:
        at = apply(one, people, at)
        assert kept() == recount()
    for member_id in people:
        shown = inbox.counts(member_id)
        assert set(shown.by_filter) == {*FILTERS, *TEAM_FILTERS}
        # Nothing here is assigned: all of the inbox is unassigned, none of it anyone's.
        assert (shown["unassigned"], shown["mine"]) == (shown["all"], 0)


def test_a_store_counted_again_from_its_states_counts_the_same(store, backend):
    people = cast()
    at = START
    for n in range(6):
        at = apply(("send", n % 2, 1 - n % 2, n == 1), people, at)
    moderation.apply(people[1], "star", [S.get(S.member == people[1]).conversation_id], now=at)
    before = kept()
    with write():
        store.backend.create_state_counts()
    assert kept() == before == recount()
    assert inbox.counts(people[1]).by_filter["starred"] == 1
