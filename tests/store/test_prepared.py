"""A statement built once reads and writes what its query would, with new values on every run."""

from __future__ import annotations

from datetime import datetime, timedelta

from peewee import fn

from app.core import members
from app.store.db import write
from app.store.models import LedgerEntry, Member
from app.store.prepared import Prepared, Slot, slots

T0 = datetime(2026, 3, 2, 9, 0)

BY_HANDLES = Prepared(lambda n: Member.select().where(Member.handle.in_(slots("handles", n))).order_by(Member.id))
LATEST = Prepared(lambda: LedgerEntry.select(fn.MAX(LedgerEntry.at))
                  .where(LedgerEntry.member == Slot("member")).tuples())
ENTER = Prepared(lambda: LedgerEntry.insert(member=Slot("member"), at=Slot("at"), kind="grant", amount=Slot("amount"),
                                            reason=Slot("reason")))
RENAME = Prepared(lambda: Member.update(name=Slot("name")).where(Member.handle == Slot("handle")))


def test_a_prepared_read_finds_the_members_each_run_asks_for(store):
    zoe = members.add_member("zoe", "Ζωή Παπαδοπούλου", now=T0)
    ivan = members.add_member("ivan", "Иван Петров, мл.", now=T0)
    mei = members.add_member("mei", "王美 🌸", now=T0)
    assert [m.name for m in BY_HANDLES.rows((2,), handles=["zoe", "mei"])] == [zoe.name, mei.name]
    assert [m.id for m in BY_HANDLES.rows((1,), handles=["ivan"])] == [ivan.id]
    assert [m.handle for m in BY_HANDLES.rows((2,), handles=["ivan", "nobody"])] == ["ivan"]
    assert BY_HANDLES.first((1,), handles=["nobody"]) is None


def test_a_prepared_write_gives_the_new_id_or_the_rows_changed(store):
    zoe = members.add_member("zoe", "Ζωή Παπαδοπούλου", now=T0)
    with write():
        first = ENTER.execute(member=zoe.id, at=T0 + timedelta(days=1), amount=5, reason="Ζωή’s allotment")
        second = ENTER.execute(member=zoe.id, at=T0 + timedelta(days=2), amount=3, reason="more")
        renamed = RENAME.execute(name="Zoë Papadopoulou", handle="zoe")
        unknown = RENAME.execute(name="Nobody", handle="nobody")
    assert second == first + 1
    assert LedgerEntry.get_by_id(first).reason == "Ζωή’s allotment"
    assert (renamed, unknown) == (1, 0)
    assert Member.get_by_id(zoe.id).name == "Zoë Papadopoulou"
    # A scalar reads as its field does: a time, on either backend.
    assert LATEST.scalar(member=zoe.id) == T0 + timedelta(days=2)
    assert LATEST.scalar(member=zoe.id + 1000) is None


def test_later_reads_build_the_same_members_as_the_first(store):
    # The first run resolves the columns; later runs reuse them, and must read alike.
    zoe = members.add_member("zoe", "Ζωή Παπαδοπούλου", plan="premium-business", now=T0)
    members.add_member("mei", "王美 🌸", now=T0 + timedelta(hours=1))
    first = BY_HANDLES.rows((2,), handles=["zoe", "mei"])
    again = BY_HANDLES.rows((2,), handles=["mei", "zoe"])
    assert [vars(m)["__data__"] for m in again] == [vars(m)["__data__"] for m in first]
    assert again[0].plan_started_at == T0 and isinstance(again[0].plan_started_at, datetime)
    # A member read again is clean, and saving it writes only what changed.
    assert not again[0].dirty_fields
    again[0].name = "Zoë Papadopoulou"
    again[0].save()
    assert Member.get_by_id(zoe.id).name == "Zoë Papadopoulou"
    assert Member.get_by_id(zoe.id).plan == "premium-business"


def test_a_write_run_for_each_of_several_values_changes_each_row(store):
    for handle, name in (("zoe", "Ζωή"), ("ivan", "Иван"), ("mei", "王美")):
        members.add_member(handle, name, now=T0)
    with write():
        RENAME.execute_each([dict(name="Zoë Παπαδοπούλου, PhD", handle="zoe"), dict(name="Мэй 🌸", handle="mei")])
        RENAME.execute_each([])
    assert [m.name for m in BY_HANDLES.rows((3,), handles=["zoe", "ivan", "mei"])] == [
        "Zoë Παπαδοπούλου, PhD", "Иван", "Мэй 🌸"]
