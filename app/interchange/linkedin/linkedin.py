"""Import a LinkedIn data export (.zip or unpacked folder) into the store (SPEC §10).

messages.csv is read twice, streaming both times. The first pass checks every
row and gathers what each conversation needs (participants, first and last
message, folder) — a small record per conversation, never the messages. The
second pass writes the messages in batches, each batch's full-text rows made by
the store beside the reading (app.store.bulk). In a large import the second
reading, which turns rows into the message table's rows, is done by a forked
copy of this process (app.interchange.linkedin.forked) while this one writes. Everything
is written in one transaction, so a damaged file anywhere leaves the store as it was; a
row with an odd value (a date that is no date) is left out and reported by its line. The
first pass lives in .reading, the choice of the export's owner in .owner, the ads and
their senders in .sponsors, message text (HTML, mail-merge fields) in .text, each
member's view of the conversations (by the delivery rules) in .filing, and the closing
note in .summary.

Rows are written straight into the tables, not sent: an archive holds what
already happened, so no route is taken and no credit moves.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from app.core import clock
from app.core.delivery import has_links
from app.core.plans import BASIC
from app.interchange.linkedin.ids import kind_from_conversation_id
from app.interchange.linkedin.archive import ExportFile, LinkedInExport
from app.interchange.linkedin.filing import Filing
from app.interchange.linkedin.forked import Forked, can_fork
from app.interchange.linkedin.owner import ME, OwnerChoice
from app.interchange.linkedin.people import (
    ANONYMOUS_PLACEHOLDER,
    anonymous_handle,
    canonical_url,
    handle_base,
    name_key,
    unique_handle,
)
from app.interchange.linkedin.progress import Progress
from app.interchange.linkedin.reading import Reading, _Identity, _Thread
from app.interchange.linkedin.sponsors import Sponsors
from app.interchange.linkedin.summary import PROGRESS_EVERY, SKIP_DUPLICATE, FileReport, ImportSummary
from app.interchange.linkedin.text import NO_TEXT, fill_placeholders, html_to_text, is_system_text
from app.store import backend
from app.store.bulk import MessageIndex, TimeOrderedInsert, indexes_rebuilt, insert_rows, rows_where_in, take_ids
from app.store.db import retrying, write
from app.store.models import (
    INVITATION_ACCEPTED,
    INVITATION_IGNORED,
    INVITATION_PENDING,
    Connection,
    Conversation,
    ConversationState,
    Draft,
    Invitation,
    Member,
    MemberSettings,
    Message,
    database,
    tuples,
)
from app.store.search import refresh_people

CHUNK = 5000
SETTLING = "Adding members and conversations"  # the stages of a long import that count nothing
FINISHING = "Finishing the search index and conversations"
FORKED_ROWS = 20_000  # messages from which a second process makes the rows while this one writes


def _has_links(text: str) -> bool:
    # Messaging's own test, run only on the few texts that could hold "http://" or "www.".
    return (":/" in text or "w." in text or "W." in text) and has_links(text)


class _DryRun(Exception):
    """Leaves a dry run's transaction, rolling back all it wrote."""


def import_linkedin(path: str | Path, *, progress: Progress | None = None, now: datetime | None = None,
                    owner: str = "", dry_run: bool = False) -> ImportSummary:
    """Import the export at ``path`` (a .zip, a folder, or a messages.csv) as member "me".

    ``owner``: the name of the export's owner, over what the export says. ``dry_run``:
    do it all and report it, then roll it back: the store is left as it was."""
    started = time.monotonic()
    export = LinkedInExport(path)
    try:
        importer = _Importer(export, progress, now or clock.now(), owner)
        importer.summary.dry_run = dry_run
        importer.read()
        if dry_run:
            try:
                retrying(importer.rehearse)
            except _DryRun:
                pass
        else:
            retrying(importer.write)
    finally:
        export.close()
    summary = importer.summary
    summary.seconds = time.monotonic() - started
    if progress is not None:
        progress("done", summary.rows_read, 1.0)
    return summary


class _Span:
    """Runs of message ids written counting down, handed to the full-text index a block at a
    time: the index takes ids rising, and starts a new segment whenever they fall."""

    ROWS = 50_000

    def __init__(self, index: Callable[[int, int], None]) -> None:
        self.index = index
        self.low: int | None = None
        self.high = 0

    def add(self, low: int, high: int) -> None:
        if self.low is None:
            self.high = high
        self.low = low
        if self.high - self.low + 1 >= self.ROWS:
            self.flush()

    def flush(self) -> None:
        if self.low is not None:
            self.index(self.low, self.high)
            self.low = None


MEMBER_COLUMNS = ("id", "handle", "name", "headline", "company", "position", "location", "plan",
                  "plan_started_at", "open_profile", "kind", "profile_url", "created_at")
SETTINGS_COLUMNS = ("member", "allow_inmail", "allow_open_profile", "allow_sponsored", "focused_inbox",
                    "read_receipts", "notifications")
MESSAGE_COLUMNS = ("id", "conversation", "sender", "kind", "subject", "body", "sent_at", "has_links",
                   "body_hash", "external_id")
class _Importer(Reading, OwnerChoice, Sponsors, Filing):
    def __init__(self, export: LinkedInExport, progress: Progress | None, now: datetime, owner: str = "") -> None:
        self.export = export
        self.progress = progress
        self.now = now
        self.summary = ImportSummary(source=export.path.name, links=list(export.links),
                                     not_imported=list(export.not_imported))
        self.owner_name = " ".join(owner.split())
        self.owner_names: set[str] = set()
        self.owner_keys: set[str] = set()
        self.canon: dict[str, str] = {}
        self.known_names: set[str] = set()  # name keys seen as a sender or a connection
        self.name_splits: dict[tuple[str, str], tuple[str, ...]] = {}  # TO cells cut into several names
        # Senders of rows with an empty FOLDER and no draft marks, and whether they were taken for the owner.
        self.unsure_senders: dict[str, bool] = {}
        self.identities: dict[str, _Identity] = {}
        self.urls_by_name: dict[str, set[str]] = {}
        self.threads: dict[str, _Thread] = {}
        self.person_keys: dict[tuple[str, str], str] = {}  # (name, URL) as written: the key _person gave
        self.recipient_keys: dict[tuple[str, str], tuple[str, ...]] = {}
        self.owner_votes: Counter = Counter()
        self.owner_first = ""
        self.owner_last = ""
        self.owner_headline = ""
        self.owner_location = ""
        self.profile_name = ""
        self.connections: list[tuple[str, datetime, FileReport]] = []  # (key, date, its file's report)
        self.invited: list[str] = []
        self.invitations: list[tuple[str, datetime, str, bool, FileReport]] = []
        self.member_of: dict[str, int] = {}
        self.handle_of: dict[int, str] = {}
        self.name_of: dict[int, tuple[str, str, str]] = {}  # name, company, headline
        self.me_id = 0
        self.my_connections: dict[int, datetime] = {}
        self.message_files: list[ExportFile] = export.messages()
        self._drafts_read = 0
        self._row_memo: dict[tuple, tuple] = {}
        self._memo_conversation: str | None = None
        self._version = ""
        self._ties_backwards = False  # whether same-second rows of newest-first conversations take ids backwards
        # Whether the messages come oldest first, so that ids in file order follow their time,
        # or newest first (LinkedIn's order), so that ids counting down do.
        self.in_time_order = True
        self.newest_first = True
        self._previous_at: datetime | None = None

    # --- writing: one transaction ---------------------------------------------------------

    def rehearse(self) -> None:
        """``write``, rolled back at its end: what it would add is counted, nothing is kept."""
        with write(bulk=True):
            self._write()
            raise _DryRun

    def write(self) -> None:
        with write(bulk=True):
            self._write()

    def _write(self) -> None:
        self._stage(SETTLING)
        self._resolve_members()
        self._write_connections()
        self._write_invitations()
        self._write_conversations()
        self._recall_stored_messages()
        threads = [t for t in self.threads.values() if t.count]
        for thread in threads:
            thread.rows_left = thread.count
        adding = sum(t.count for t in threads)
        with indexes_rebuilt(Message, adding):
            self._write_all_messages(threads, adding)
        self._finish_conversations()
        refresh_people([t.conversation_id for t in threads if t.conversation_id is not None])

    def _stage(self, name: str) -> None:
        """A stage of a long import that counts nothing but takes seconds, for the progress line."""
        if self.progress is not None and self.summary.rows_read >= PROGRESS_EVERY:
            self.progress(name, None, None)

    def _resolve_members(self) -> None:
        canon = self.canon
        owner = self.owner_keys

        existing_by_url: dict[str, int] = {}
        existing_by_name: dict[tuple[str, str], int] = {}
        existing_by_handle: dict[str, int] = {}
        blanks: dict[int, tuple[str, str, str]] = {}
        for member_id, handle, name, url, kind, company, position, headline in tuples(
            Member.select(Member.id, Member.handle, Member.name, Member.profile_url, Member.kind,
                          Member.company, Member.position, Member.headline).order_by(Member.id)
        ):
            existing_by_handle[handle] = member_id
            if url:
                existing_by_url.setdefault(canonical_url(url), member_id)
            existing_by_name.setdefault((name_key(name), kind), member_id)
            blanks[member_id] = (url, company, position)
            self.handle_of[member_id] = handle
            self.name_of[member_id] = (name, company, headline)
        taken = set(existing_by_handle)

        new_members: list[dict] = []
        fills: list[tuple[int, dict]] = []
        me_identity = next((self.identities[k] for k in owner if k in self.identities), None)
        me_url = next((self.identities[k].url for k in owner if k in self.identities and self.identities[k].url), "")
        me_name = self.profile_name or (me_identity.name if me_identity else "") or self.owner_name or "Me"
        if not (self.owner_first or self.owner_last):
            # Without Profile.csv, mail-merge fields take the first name the messages show.
            self.owner_first, _, self.owner_last = me_name.partition(" ")
        self.me_id = existing_by_handle.get(ME, 0)
        if self.me_id:
            updates = {}
            if self.owner_headline:
                updates["headline"] = self.owner_headline
            if self.owner_location:
                updates["location"] = self.owner_location
            if self.profile_name or self.owner_name:
                updates["name"] = me_name
            if me_url and not blanks[self.me_id][0]:
                updates["profile_url"] = me_url
            if updates:
                Member.update(updates).where(Member.id == self.me_id).execute()
                name, company, headline = self.name_of[self.me_id]
                self.name_of[self.me_id] = (updates.get("name", name), company, updates.get("headline", headline))
        else:
            taken.add(ME)
            new_members.append(self._member_row(ME, me_name, me_url, "person", self.owner_headline, "", "",
                                                self.owner_location))

        resolved: dict[str, int | str] = {}
        for key in self.identities:
            target = canon.get(key, key)
            if target in owner:
                resolved[key] = ME
                continue
            if target in resolved:
                resolved[key] = resolved[target]
                continue
            identity = self.identities[target]
            if target.startswith("u:"):
                found = existing_by_url.get(identity.url)
                if found is None and identity.name:
                    # A member first met by name alone, now seen with a profile URL.
                    candidate = existing_by_name.get((name_key(identity.name), "person"))
                    found = candidate if candidate and not blanks[candidate][0] else None
            elif target.startswith("a:"):
                found = existing_by_handle.get(anonymous_handle(target[2:]))
            else:
                found = existing_by_name.get((target.replace("c:", "n:", 1), identity.kind))
            if found:
                url, company, position = blanks[found]
                fill = {}
                if identity.url and not url:
                    fill["profile_url"] = identity.url
                if identity.company and not company:
                    fill["company"] = identity.company
                if identity.position and not position:
                    fill["position"] = identity.position
                if fill:
                    fills.append((found, fill))
                resolved[target] = resolved[key] = found
                continue
            if target.startswith("a:"):
                handle = unique_handle(anonymous_handle(target[2:]), taken)
            else:
                handle = unique_handle(handle_base(identity.url, identity.name), taken)
            name = identity.name or handle
            new_members.append(self._member_row(handle, name, identity.url, identity.kind, "",
                                                identity.company, identity.position, ""))
            resolved[target] = resolved[key] = handle

        for member_id, fill in fills:
            Member.update(fill).where(Member.id == member_id).execute()
        ids = take_ids(Member, len(new_members))
        by_handle = {}
        for member_id, row in zip(ids, new_members):
            row["id"] = member_id
            by_handle[row["handle"]] = member_id
            self.handle_of[member_id] = row["handle"]
            self.name_of[member_id] = (row["name"], row["company"], row["headline"])
        insert_rows(Member, MEMBER_COLUMNS, [tuple(row[c] for c in MEMBER_COLUMNS) for row in new_members])
        insert_rows(MemberSettings, SETTINGS_COLUMNS,
                     [(row["id"], True, True, True, True, True, True) for row in new_members])
        self.summary.members += len(new_members)
        if not self.me_id:
            self.me_id = by_handle[ME]
        for key, handle_or_id in resolved.items():
            if handle_or_id == ME:
                handle_or_id = self.me_id
            self.member_of[key] = by_handle[handle_or_id] if isinstance(handle_or_id, str) else handle_or_id

    def _member_row(self, handle: str, name: str, url: str, kind: str, headline: str, company: str,
                    position: str, location: str) -> dict:
        return {
            "handle": handle, "name": name[:200], "headline": headline[:300], "company": company[:200],
            "position": position[:200], "location": location[:200], "plan": BASIC,
            "plan_started_at": self.now, "open_profile": False, "kind": kind, "profile_url": url[:500],
            "created_at": self.now,
        }

    def _write_connections(self) -> None:
        me = self.me_id
        self.my_connections = {
            other: at for other, at in
            tuples(Connection.select(Connection.other, Connection.connected_at).where(Connection.member == me))
        }
        rows = []
        for key, at, report in self.connections:
            other = self.member_of[key]
            if other == me or other in self.my_connections:
                report.already += 1
                continue
            report.imported += 1
            self.my_connections[other] = at
            rows.append({"member": me, "other": other, "connected_at": at})
            rows.append({"member": other, "other": me, "connected_at": at})
        for start in range(0, len(rows), 500):
            Connection.insert_many(rows[start:start + 500]).execute()
        self.summary.connections += len(rows) // 2
        if rows:
            # A 1:1 conversation already in the store now sits under "My connections".
            newly = [r["other"] for r in rows[::2]]
            for start in range(0, len(newly), 500):
                chunk = newly[start:start + 500]
                ConversationState.update(connected=True).where(
                    ((ConversationState.member == me) & ConversationState.peer.in_(chunk))
                    | (ConversationState.member.in_(chunk) & (ConversationState.peer == me))
                ).execute()

    def _write_invitations(self) -> None:
        """The export's invitations, each once: pending between two members who are not
        connected (the newest one between them), else answered, as the export cannot say how."""
        me = self.me_id
        pending: set[int] = {
            other for (sender, recipient) in tuples(
                Invitation.select(Invitation.sender, Invitation.recipient)
                .where(((Invitation.sender == me) | (Invitation.recipient == me))
                       & (Invitation.status == INVITATION_PENDING))
            ) for other in (sender, recipient) if other != me
        }
        # The invitations an earlier import of this owner brought, read once.
        known = {external for (external,) in tuples(
            Invitation.select(Invitation.external_id).where(
                ((Invitation.sender == me) | (Invitation.recipient == me)) & Invitation.external_id.is_null(False)
            )
        )}
        for key, at, note, outgoing, report in sorted(self.invitations, key=lambda found: found[1], reverse=True):
            other = self.member_of[key]
            if other == me:
                continue
            sender, recipient = (me, other) if outgoing else (other, me)
            external = f"linkedin-invitation:{sender}:{recipient}:{at.isoformat()}"
            if external in known:
                report.already += 1
                continue
            known.add(external)
            waiting = other not in self.my_connections and other not in pending
            if waiting:
                pending.add(other)
            Invitation.create(sender=sender, recipient=recipient, note=note, sent_at=at, external_id=external,
                              status=INVITATION_PENDING if waiting else (
                                  INVITATION_ACCEPTED if other in self.my_connections else INVITATION_IGNORED),
                              answered_at=None if waiting else at)
            report.imported += 1

    def _write_conversations(self) -> None:
        threads = [t for t in self.threads.values() if t.count or t.drafts]
        existing: dict[str, tuple[int, str]] = {}
        keys = [t.key for t in threads]
        for cid, ext, kind in rows_where_in(Conversation, ("id", "external_id", "kind"), "external_id", keys):
            existing[ext] = (cid, kind)
        me = self.me_id
        new_threads = []
        for thread in threads:
            members = dict.fromkeys([me, *(self.member_of[k] for k in thread.participants)])
            thread.member_ids = list(members)
            if thread.key in existing:
                thread.conversation_id, thread.kind = existing[thread.key]
            elif thread.count:
                thread.is_new = True
                thread.kind = self._kind(thread)
                new_threads.append(thread)
        ids = take_ids(Conversation, len(new_threads))
        rows = []
        for conversation_id, thread in zip(ids, new_threads):
            thread.conversation_id = conversation_id
            if thread.kind == "group":
                # LinkedIn's title for the group, else its members' names, as a group started here.
                title = thread.title or ", ".join(sorted(self.name_of[m][0] for m in thread.member_ids))
            elif thread.kind == "sponsored":
                title = self.name_of[self.member_of[thread.sponsor]][0] if thread.sponsor else ""
            else:
                title = ""
            rows.append((conversation_id, thread.kind, title[:300], thread.subject[:300],
                         self.member_of.get(thread.first_sender) if thread.first_sender else None,
                         thread.first_at or thread.last_at, thread.last_at, "", 0, thread.key))
        insert_rows(Conversation, ("id", "kind", "title", "subject", "created_by", "created_at",
                                    "last_at", "preview", "message_count", "external_id"), rows)
        self.summary.conversations += len(rows)

    def _kind(self, thread: _Thread) -> str:
        others = [m for m in thread.member_ids if m != self.me_id]
        written_by_parley = kind_from_conversation_id(thread.key[len("li:"):])
        if written_by_parley is not None:
            return written_by_parley
        if thread.sponsored:
            return "sponsored"
        if len(others) > 1:
            return "group"
        if len(others) == 1 and thread.inmail_like and thread.first_at is not None:
            connected_at = self.my_connections.get(others[0])
            # InMail is what LinkedIn sends to someone who is not (yet) a connection. Connections
            # are dated by the day: one made the day of the message may well have followed it.
            if connected_at is None or connected_at.date() >= thread.first_at.date():
                return "inmail"
        return "direct"

    def _people_text(self, thread: _Thread) -> str:
        names = " ".join(self.name_of[m][0] for m in thread.member_ids if m != self.me_id)
        return f"{thread.title} {names}".strip()

    def _recall_stored_messages(self) -> None:
        """The external ids already stored in the conversations this export adds to."""
        adding_to = {t.conversation_id: t for t in self.threads.values() if t.count and not t.is_new}
        for conversation_id, external_id in rows_where_in(Message, ("conversation", "external_id"), "conversation",
                                                          list(adding_to)):
            if external_id is not None:
                thread = adding_to[conversation_id]
                if not isinstance(thread.stored, set):
                    thread.stored = set()
                thread.stored.add(external_id)

    def _write_all_messages(self, threads: list[_Thread], adding: int) -> None:
        """Write the export's new messages with ids that follow their time.

        Oldest first in the export: ids in the order read. Newest first (LinkedIn's
        order): ids counting down from the top (rows repeated in the export leave a gap
        below). In neither order (Parley's own CSV lists the newest conversation first,
        each one's messages oldest first), the rows are sorted by time on their way in:
        search reads matches newest id first, and a later id means a later message
        everywhere.
        """
        staging = None
        # Messages of the same second follow the order of their conversation in the file: read
        # backwards where it lists them newest first (as LinkedIn does, and as is assumed when
        # a conversation cannot tell). Ids in the order read, or counting down, keep that
        # only when every conversation with such ties runs the same way as the whole file.
        tied = {t.direction == 1 for t in threads if t.ties}
        in_time_order = self.in_time_order and not tied - {True}
        counting_down = not in_time_order and self.newest_first and not tied - {False}
        if in_time_order:
            ids: Iterator[int] = iter(take_ids(Message, adding))
        elif counting_down:
            ids = iter(reversed(take_ids(Message, adding)))
        else:
            staging = TimeOrderedInsert(Message, MESSAGE_COLUMNS[1:], "sent_at")
            ids = itertools.count(1)  # the order read, which breaks ties in time
        self._ties_backwards = staging is not None
        # A copy to make the rows is forked, if they are many, before the index's thread starts:
        # a fork wants no other thread running.
        with self._rows_made(ids, adding) as events, \
                MessageIndex(lambda: {t.conversation_id: self._people_text(t) for t in threads
                                      if t.conversation_id is not None}) as index:
            span = _Span(index.add) if counting_down else None
            written = span.add if span is not None else index.add
            reports = iter(r for r in self.summary.reports if r.noun == "message")
            for event, value in events:
                if event == "drafts":
                    self._flush_drafts(value, next(reports))
                    continue
                if staging is not None:
                    staging.add(value)
                else:
                    insert_rows(Message, MESSAGE_COLUMNS, value)
                    written(min(value[0][0], value[-1][0]), max(value[0][0], value[-1][0]))
                self.summary.messages += len(value)
            if self.summary.messages:
                self._stage(FINISHING)
            if span is not None:
                span.flush()
            if staging is not None:
                self._copy_in_time_order(threads, staging, index)

    @contextmanager
    def _rows_made(self, ids: Iterator[int], adding: int) -> Iterator[Iterator[tuple[str, list[tuple]]]]:
        """``_made_rows``, made by a forked copy of this process when there are many: it
        parses and maps while this process writes. The copy starts on entering."""
        if adding < FORKED_ROWS or not can_fork():
            yield self._made_rows(ids)
            return
        progress = self.progress

        def work(put: Callable[[tuple[str, Any]], None]) -> None:
            if progress is not None:
                self.progress = lambda *args: put(("progress", args))
            for event in self._made_rows(ids):
                put(event)
            put(("report", self._rows_report()))

        with Forked(work, "parley-import-rows") as made:
            yield self._events_from(made, progress)

    def _events_from(self, made: Forked[tuple[str, Any]],
                     progress: Progress | None) -> Iterator[tuple[str, list[tuple]]]:
        for event, value in made:
            if event == "progress":
                if progress is not None:
                    progress(*value)
            elif event == "report":
                self._take_report(value)
            else:
                yield event, value

    def _made_rows(self, ids: Iterator[int]) -> Iterator[tuple[str, list[tuple]]]:
        """("rows", a batch for the message table) for each batch of new messages, and
        ("drafts", its drafts) after each file."""
        for number, file in enumerate(self.message_files):
            drafts: list[tuple] = []
            for batch in self._message_batches(number, file, ids, drafts):
                yield "rows", batch
            yield "drafts", drafts

    def _rows_report(self) -> tuple:
        """What making the rows learnt, for the process that writes them."""
        threads = {key: (t.added, t.max_id, t.first_id, t.new_last_at, t.new_last_body)
                   for key, t in self.threads.items() if t.added}
        summary = self.summary
        return threads, summary.skipped, summary.already_imported, summary.without_text, summary.reports

    def _take_report(self, report: tuple) -> None:
        summary = self.summary
        threads, summary.skipped, summary.already_imported, summary.without_text, reports = report
        for mine, theirs in zip(summary.reports, reports):
            if mine.noun == "message":
                mine.imported, mine.already = theirs.imported, theirs.already
                mine.skipped, mine.first_skipped = theirs.skipped, theirs.first_skipped
        for key, (added, max_id, first_id, last_at, last_body) in threads.items():
            thread = self.threads[key]
            thread.added, thread.max_id, thread.first_id = added, max_id, first_id
            thread.new_last_at, thread.new_last_body = last_at, last_body

    def _copy_in_time_order(self, threads: list[_Thread], staging: backend.TimeOrderedInsert,
                            index: backend.MessageIndex) -> None:
        span: list[int] = []

        def copied(first: int, last: int) -> None:
            index.add(first, last)
            span[:] = [span[0] if span else first, last]

        staging.finish(copied)
        if not span:
            return
        first, last = span
        # What making the rows noted by the order read, told again by the ids given.
        by_conversation = {t.conversation_id: t for t in threads}
        for conversation_id, max_id in database.obj.execute_sql(
            f'SELECT conversation_id, max(id) FROM message WHERE id BETWEEN {database.obj.param} AND '
            f'{database.obj.param} GROUP BY conversation_id', (first, last)
        ).fetchall():
            by_conversation[conversation_id].max_id = max_id
        for conversation_id, message_id in database.obj.execute_sql(
            f"SELECT conversation_id, id FROM message WHERE id BETWEEN {database.obj.param} AND "
            f"{database.obj.param} AND kind = 'inmail'", (first, last)
        ).fetchall():
            by_conversation[conversation_id].first_id = message_id

    def _message_batches(self, number: int, file: ExportFile, ids: Iterator[int],
                         drafts: list[tuple]) -> Iterator[list[tuple]]:
        """Rows for the message table, CHUNK at a time, leaving out those already stored or repeated."""
        pending: list[tuple] = []
        profile = self._profile_fields()
        member_of = self.member_of
        me = self.me_id
        threads = self.threads
        blake = hashlib.blake2b
        report = next(r for r in self.summary.reports if r.name == file.name and r.noun == "message")
        backwards = self._ties_backwards
        for line, fields, at, stamp in self._message_rows(file, "Importing"):
            _sponsored, sender, recipients, key = self._row_people(fields)
            thread = threads[key]
            (_id, _title, from_name, _url, _to, _urls, _date, subject, content, _folder, _direction,
             _message_draft, _conversation_draft) = fields
            if sender == ANONYMOUS_PLACEHOLDER:
                sender = "a:" + key
            external_id = thread.id_prefix + blake(
                f"{key}\x1f{stamp}\x1f{from_name}\x1f{content}".encode("utf-8"), digest_size=12
            ).hexdigest()
            if (fields[11] != "No" or fields[12] != "No") and self.is_draft(fields, sender):
                to = [member_of.get("a:" + key if r == ANONYMOUS_PLACEHOLDER else r, me) for r in recipients]
                drafts.append((thread.conversation_id, ",".join(self.handle_of[m] for m in to if m != me),
                               subject.strip()[:300], content, at, "d:" + external_id))
                continue
            repeated = external_id in thread.known
            thread.rows_left -= 1
            if thread.rows_left:
                thread.known.add(external_id)
            else:
                thread.known.clear()  # the conversation's last row: its keys are needed no more
            if repeated or external_id in thread.stored:
                self._skipped_again(repeated, report, line)
                continue
            system = not from_name or from_name.isspace() or is_system_text(content)
            if thread.sponsor and not system and member_of.get(sender) != me:
                sender = thread.sponsor
            sender_id = None if system else member_of.get(sender)
            if system:
                kind = "system"
            elif thread.kind == "sponsored" and sender_id != me:
                kind = "sponsored"
                content = html_to_text(content)
            elif thread.kind in ("inmail", "open_profile") and thread.first_row == (number, line):
                kind = thread.kind
            else:
                kind = "message"
            if thread.sponsor:
                content = fill_placeholders(content, profile)  # in an ad, no mail-merge field is shown raw
            if not content or content.isspace():
                content = NO_TEXT
                self.summary.without_text += 1
            message_id = next(ids)
            if backwards and thread.ties and thread.direction < 1:
                message_id = -message_id  # same-second rows: the later in the file is the older
            pending.append((message_id, thread.conversation_id, sender_id, kind,
                            subject.strip()[:300] if subject else "", content, stamp, _has_links(content), "",
                            external_id))
            thread.added += 1
            if message_id > thread.max_id:
                thread.max_id = message_id
            if thread.new_last_at is None or at >= thread.new_last_at:
                thread.new_last_at, thread.new_last_body = at, content
            if kind == "inmail":
                thread.first_id = message_id
            if len(pending) >= CHUNK:
                yield pending
                pending = []
        if pending:
            yield pending

    def _skipped_again(self, repeated: bool, report: FileReport, line: int) -> None:
        """Notes a row left out: repeated in the file, or else one the store had before."""
        report.imported -= 1
        if repeated:
            self.summary.skip(report, SKIP_DUPLICATE, line)
        else:
            self.summary.already_imported += 1
            report.already += 1

    def _profile_fields(self) -> dict[str, str]:
        """The owner's profile as mail-merge fields fill from it."""
        first, last = self.owner_first, self.owner_last
        return {"FIRSTNAME": first, "LASTNAME": last, "FULLNAME": f"{first} {last}".strip(),
                "NAME": f"{first} {last}".strip(), "LOCATION": self.owner_location}

    def _flush_drafts(self, drafts: list[tuple], report: FileReport) -> None:
        if not drafts:
            return
        wanted = [d[-1] for d in drafts]
        present = {row[0] for row in rows_where_in(Draft, ("external_id",), "external_id", wanted)}
        rows = []
        for conversation_id, to_handles, subject, body, at, external_id in drafts:
            if external_id in present:
                continue
            present.add(external_id)
            rows.append((self.me_id, conversation_id, to_handles[:2000], subject, body, at, external_id))
        insert_rows(Draft, ("member", "conversation", "to_handles", "subject", "body", "updated_at",
                             "external_id"), rows)
        self.summary.drafts += len(rows)
        report.drafts += len(rows)
