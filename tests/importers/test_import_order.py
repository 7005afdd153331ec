"""Imported messages get ids in the order they were sent, whatever order the export lists them in.

Search reads matches newest id first; an export lists its newest messages first, so ids
given in file order would put the oldest conversations at the top of every search.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from linkedin_samples import HEADER_2024, PROFILE_CSV, ROBIN, csv_text

from app.core import inbox
from app.interchange.linkedin.linkedin import import_linkedin
from peewee import fn

from app.store.models import Member, Message

PEOPLE = [("Ana Silva", "ana-silva-01"), ("Ben Okafor", "ben-okafor"), ("Chidi Nwosu", "chidi-nwosu"),
          ("Dana Kowalczyk", "dana-k"), ("Eli Fischer", "eli-fischer-7b")]
START = datetime(2024, 1, 1, 9, 0)


def conversations() -> list[list[list[str]]]:
    """Five 1:1 conversations whose messages interleave in time, each message about the roadmap."""
    threads = []
    for n, (name, slug) in enumerate(PEOPLE):
        url = f"https://www.linkedin.com/in/{slug}"
        rows = []
        for k in range(3):
            at = START + timedelta(days=n + 4 * k, minutes=k)
            theirs = k % 2 == 0
            sender, sender_url, to, to_url = (name, url, "Robin Vale", ROBIN) if theirs else \
                ("Robin Vale", ROBIN, name, url)
            rows.append([f"2-{slug}", "", sender, sender_url, to, to_url, at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                         "", f"Note {k} from {sender} about the roadmap.", "INBOX", "No", "No"])
        threads.append(rows)
    return threads


def newest_first() -> list[list[str]]:
    """LinkedIn's order: every row, newest first."""
    return sorted((row for thread in conversations() for row in thread), key=lambda row: row[6], reverse=True)


def by_conversation() -> list[list[str]]:
    """Parley's own CSV export: the newest conversation first, each one's messages oldest first."""
    threads = sorted(conversations(), key=lambda rows: rows[-1][6], reverse=True)
    return [row for thread in threads for row in thread]


@pytest.mark.parametrize("order", [newest_first, by_conversation], ids=["newest-first", "by-conversation"])
def test_search_lists_an_imported_export_newest_first(store, export, order):
    folder = export().add("Profile.csv", PROFILE_CSV).add("messages.csv", csv_text(HEADER_2024, order())).folder()
    import_linkedin(folder)
    me = Member.get(Member.handle == "me").id

    listed = inbox.page(me, "all")
    searched = inbox.page(me, "all", query="roadmap")
    assert len(listed) == len(PEOPLE)
    assert [row.id for row in searched] == [row.id for row in listed]
    assert [row.last_at for row in searched] == sorted((row.last_at for row in searched), reverse=True)

    times = [sent_at for _, sent_at in Message.select(Message.id, Message.sent_at).order_by(Message.id).tuples()]
    assert len(times) == 3 * len(PEOPLE)
    assert times == sorted(times)


def test_ids_follow_time_within_each_import(store, export):
    """A later import's messages come after the store's; within it, ids still follow time."""
    early = newest_first()[len(PEOPLE):]  # all but the newest few rows
    first = export("first").add("Profile.csv", PROFILE_CSV).add("messages.csv", csv_text(HEADER_2024, early))
    import_linkedin(first.folder())
    stored = Message.select().count()
    last_stored = Message.select(fn.MAX(Message.id)).scalar()
    later = export("later").add("Profile.csv", PROFILE_CSV).add("messages.csv", csv_text(HEADER_2024, newest_first()))
    summary = import_linkedin(later.folder())
    assert summary.messages == len(PEOPLE) and summary.already_imported == stored

    added = Message.select(Message.sent_at).where(Message.id > last_stored).order_by(Message.id).tuples()
    times = [sent_at for (sent_at,) in added]
    assert len(times) == len(PEOPLE) and times == sorted(times)
    me = Member.get(Member.handle == "me").id
    assert [row.id for row in inbox.page(me, "all", query="roadmap")] == [row.id for row in inbox.page(me, "all")]
