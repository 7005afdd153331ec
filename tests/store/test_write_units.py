"""Write units that lock rows: run again when the database breaks one off to end a deadlock."""

from __future__ import annotations

import threading

import pytest

from app.core import members
from app.store import backend as backends
from app.store.db import write_unit
from app.store.models import Member, database


def test_a_unit_broken_off_by_a_deadlock_runs_again_and_finishes(store, backend):
    if backend != "postgres":
        pytest.skip("SQLite has one writer at a time: no row locks to wait on")
    ids = [members.add_member(handle, name).id for handle, name in (("ana", "Ana Núñez"), ("oleg", "Олег"))]
    both_hold_one = threading.Barrier(2)
    runs: list[int] = []

    def take(first: int, second: int) -> None:
        def unit() -> None:
            runs.append(first)
            backends.current().lock_rows(Member, [first])
            if len(runs) <= 2:  # the first try of each: each holds one row and wants the other's
                both_hold_one.wait(timeout=10)
            backends.current().lock_rows(Member, [second])
            Member.update(headline=f"{Member.get_by_id(second).headline}+{first}").where(
                Member.id == second).execute()

        try:
            write_unit(unit)
        finally:
            database.obj.close()

    threads = [threading.Thread(target=take, args=pair) for pair in ((ids[0], ids[1]), (ids[1], ids[0]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(runs) == 3  # one of the two was chosen to end the deadlock, and ran again
    assert Member.get_by_id(ids[1]).headline == f"+{ids[0]}"
    assert Member.get_by_id(ids[0]).headline == f"+{ids[1]}"
