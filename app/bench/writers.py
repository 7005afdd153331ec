"""The benchmark's writers figure: W processes sending at once, each between members of its own.

Each writer is a paying member with a desk of their own among their connections and
strangers of their own to write to: it sends a message to the desk and an InMail to a
stranger in turn, each through ``messaging.send`` (which settles first), as separate
``parley send`` commands would. What is measured is sends per second over the whole
run and the 95th percentile of one send; afterwards every writer's credits must add up
exactly (the ledger, the lots and the InMail sent), or the figure is not given.
"""

from __future__ import annotations

import multiprocessing
import queue
import time

# Half of them InMail, within a Sales Navigator allotment: long enough that each writer's
# first sends (its connection, its statements' first plans) weigh little in the figure.
SENDS_PER_WRITER = 100
WRITER_PLAN = "sales-navigator"
WAIT_SECONDS = 600


def _writer(target: str, sender_id: int, work: list[tuple[str, bool]], barrier, results) -> None:
    """Send each (handle, InMail?) of ``work``; report the milliseconds each send took, and the span."""
    from app.core import messaging
    from app.store.db import open_store

    store = open_store(target)
    barrier.wait()
    took = []
    began = time.perf_counter()
    for n, (handle, inmail) in enumerate(work):
        started = time.perf_counter()
        if inmail:
            messaging.send(sender_id, [handle], "Γεια σας! Could we talk about your support desk? 🙂",
                           subject="Ten minutes of your time")
        else:
            messaging.send(sender_id, [handle], f"Ticket {n}: «готово», thank you.")
        took.append((time.perf_counter() - started) * 1000)
    ended = time.perf_counter()
    store.close()
    results.put((took, began, ended))


def _cast(writers: int) -> list[tuple[int, list[tuple[str, bool]]]]:
    """Each writer's member id and the sends it makes, among members added for this run alone."""
    from app.core import members

    stamp = f"{time.time_ns():x}"
    cast = []
    for n in range(writers):
        sender = members.add_member(f"writer-{stamp}-{n}", f"Writer {n}, Support", plan=WRITER_PLAN)
        desk = members.add_member(f"desk-{stamp}-{n}", f"Desk {n} 客服").handle
        members.connect(sender.handle, desk)
        strangers = [members.add_member(f"stranger-{stamp}-{n}-{k}", f"Zoë Stranger {n}.{k}").handle
                     for k in range(SENDS_PER_WRITER // 2)]
        work = [pair for k in range(SENDS_PER_WRITER // 2) for pair in ((desk, False), (strangers[k], True))]
        cast.append((sender.id, work))
    return cast


def _check_credits(cast) -> None:
    from app.core import credits
    from app.core.plans import plan
    from app.store.models import CreditLot, InMail

    for sender_id, work in cast:
        spent = sum(1 for _, inmail in work if inmail)
        held = sum(lot.remaining for lot in CreditLot.select().where(CreditLot.member == sender_id))
        sent = InMail.select().where(InMail.sender == sender_id).count()
        left = plan(WRITER_PLAN).monthly - spent
        if not credits.balance(sender_id) == held == left or sent != spent:
            raise RuntimeError(f"writer {sender_id}'s credits do not add up after sending at once")


def run_writers(target: str, writers: int) -> tuple[list[float], float]:
    """The milliseconds of every send, and the seconds from the first send to the last, with
    ``writers`` processes sending at once.

    The store at ``target`` is open in this process (the members are added through it).
    """
    cast = _cast(writers)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [context.Process(target=_writer, args=(target, sender_id, work, barrier, results))
                 for sender_id, work in cast]
    for process in processes:
        process.start()
    reports: list[tuple[list[float], float, float]] = []
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while len(reports) < writers:
            if any(p.exitcode not in (None, 0) for p in processes) or time.monotonic() > deadline:
                raise RuntimeError("a benchmark writer failed")
            try:
                reports.append(results.get(timeout=0.5))
            except queue.Empty:
                pass
    finally:
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
    _check_credits(cast)
    took = [ms for report in reports for ms in report[0]]
    return took, max(report[2] for report in reports) - min(report[1] for report in reports)
