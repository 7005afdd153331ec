"""Writers that touch different members run side by side; writers that share members never deadlock."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from app.core import members
from app.store.models import Message

from concurrent_writers import Books, add_people, books, collect, send_back_and_forth, send_held_open

WRITERS = 8
HOLD = 0.05  # seconds each unit stays open once its rows are locked


def test_sends_between_different_members_overlap_and_keep_exact_credits(store, backend):
    if backend != "postgres":
        pytest.skip("SQLite has one writer at a time by design")
    agents = add_people("agent", WRITERS, plan="premium-career")
    desks = add_people("desk", WRITERS)
    leads = add_people("lead", WRITERS * 2)
    for agent, desk in zip(agents, desks):
        members.connect(agent, desk)
    ids = [members.member_by_handle(agent).id for agent in agents]
    # Each agent: two InMails to leads of its own and three messages to its own desk.
    work = [[(leads[2 * n], True), (desks[n], False), (leads[2 * n + 1], True), (desks[n], False),
             (desks[n], False)] for n in range(WRITERS)]

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WRITERS), ctx.Queue()
    writers = [
        ctx.Process(target=send_held_open,
                    args=(store.target, os.environ["PARLEY_NOW"], ids[n], work[n], HOLD, barrier, results))
        for n in range(WRITERS)
    ]
    holds = collect(writers, results)

    spans = sorted((start, end, writer) for writer, held in enumerate(holds) for start, end in held)
    overlapping = sum(1 for (_, end, a), (start, _, b) in zip(spans, spans[1:]) if start < end and a != b)
    # One writer at a time would leave no two holds overlapping; side by side, most do.
    assert overlapping >= len(spans) // 2
    assert Message.select().count() == WRITERS * 5
    for agent_id in ids:
        assert books(agent_id) == Books(
            balance=3, ledger_sum=3, held_in_lots=3, spends=2, refunds=0, inmails=2, messages=5
        )


def test_writers_sending_to_each_other_all_finish(store):
    """Half send from Ada to Bo, half from Bo to Ada: each locks both, in one order, and none waits forever."""
    ada, bo = (members.add_member(handle, name) for handle, name in (("ada", "Ada Ødegård"), ("bo", "Bo 王")))
    members.connect("ada", "bo")
    per_writer = 6

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WRITERS), ctx.Queue()
    writers = [
        ctx.Process(target=send_back_and_forth,
                    args=(store.target, os.environ["PARLEY_NOW"], *((ada.id, "bo") if n % 2 else (bo.id, "ada")),
                          per_writer, barrier, results))
        for n in range(WRITERS)
    ]
    assert sum(collect(writers, results, timeout=120)) == WRITERS * per_writer
    assert Message.select().where(Message.sender == ada.id).count() == WRITERS // 2 * per_writer
    assert Message.select().where(Message.sender == bo.id).count() == WRITERS // 2 * per_writer
