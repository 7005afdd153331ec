"""Racing answers to the same InMails: each refund happens exactly once."""

from __future__ import annotations

import multiprocessing
import os

from app.core import members, messaging
from app.store.models import InMail, LedgerEntry

from concurrent_writers import Books, add_people, answer_inmails, books, collect

ANSWERS = ("reply", "accept", "decline", "reply")


def test_racing_answers_refund_each_inmail_once(store):
    sender = members.add_member("rita", "Rita Recruiter", plan="premium-career")
    handles = add_people("lead", 5)
    pending = []
    for handle in handles:
        sent = messaging.send(sender.id, [handle], "Would you talk?", subject="A role")
        pending.append((members.member_by_handle(handle).id, sent.conversation))
    assert books(sender.id).balance == 0

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(ANSWERS)), ctx.Queue()
    racers = [
        ctx.Process(
            target=answer_inmails,
            args=(store.target, os.environ["PARLEY_NOW"], pending, how, barrier, results),
        )
        for how in ANSWERS
    ]
    outcomes = [outcome for report in collect(racers, results) for outcome in report]

    # Every racer answered every conversation: the first answer per InMail was the
    # response; later plain replies are ordinary messages, later quick replies refused.
    assert len(outcomes) == len(ANSWERS) * len(handles)
    assert set(outcomes) <= {"answered", "There is no InMail here waiting for your answer."}
    assert all(inmail.status != "pending" and inmail.refunded for inmail in InMail.select())
    refunds = [entry.inmail_id for entry in LedgerEntry.select().where(LedgerEntry.kind == "refund")]
    assert sorted(refunds) == sorted(inmail.id for inmail in InMail.select())
    assert books(sender.id) == Books(
        balance=5, ledger_sum=5, held_in_lots=5, spends=5, refunds=5, inmails=5, messages=5
    )
