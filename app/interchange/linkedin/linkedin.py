"""Import a LinkedIn data export (.zip or unpacked folder) into the store (SPEC §10).

messages.csv is read twice, streaming both times. The first pass checks every
row and gathers what each conversation needs (participants, first and last
message, folder) — a small record per conversation, never the messages. The
second pass writes the messages in batches, each batch's full-text rows made by
the store beside the reading (app.store.bulk). In a large import the second
reading, which turns rows into the message table's rows, is done by a forked
copy of this process (app.interchange.linkedin.forked) while this one writes. Everything
is written in one transaction, so a bad row anywhere leaves the store as it was.

Rows are written straight into the tables, not sent: an archive holds what
already happened, so no route is taken and no credit moves.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from peewee import fn

from app.core import clock, delivery
from app.interchange.export import kind_from_conversation_id
from app.interchange.linkedin.archive import (
    CONNECTIONS_FILE,
    INVITATIONS_FILE,
    PROFILE_FILE,
    ExportFile,
    LinkedInExport,
)
from app.interchange.linkedin.csv_versions import (
    CONNECTION_COLUMNS,
    CONNECTION_OPTIONAL,
    INVITATION_COLUMNS,
    INVITATION_OPTIONAL,
    PROFILE_COLUMNS,
    ArchiveError,
    CsvRows,
    column_indices,
    is_yes,
    message_extractor,
    message_version,
    parse_date,
    read_header,
)
from app.interchange.linkedin.forked import Forked, can_fork
from app.interchange.linkedin.people import (
    ANONYMOUS_PLACEHOLDER,
    HIDDEN_MEMBER,
    SPONSORED_TITLE,
    anonymous_handle,
    canonical_url,
    company_key,
    fill_placeholders,
    handle_base,
    html_to_text,
    is_system_text,
    name_key,
    split_names,
    split_urls,
    unique_handle,
    url_key,
)
from app.interchange.linkedin.progress import Progress
from app.core.delivery import has_links, preview_of
from app.core.plans import BASIC
from app.store import changes
from app.store.bulk import (
    MessageIndex,
    TimeOrderedInsert,
    indexes_rebuilt,
    insert_rows,
    rows_where_in,
    take_ids,
)
from app.store.db import retrying, write
from app.store.models import (
    BOX_ARCHIVED,
    BOX_INBOX,
    BOX_SPAM,
    Connection,
    Conversation,
    ConversationState,
    Draft,
    InMail,
    Member,
    MemberSettings,
    Message,
    database,
)
from app.store.search import refresh_people

ME = "me"
CHUNK = 5000
PROGRESS_EVERY = 5000
SETTLING = "Adding members and conversations"  # the stages of a long import that count nothing
FINISHING = "Finishing the search index and conversations"
FORKED_ROWS = 20_000  # messages from which a second process makes the rows while this one writes
ROW_MEMO_SIZE = 64  # senders and recipients remembered for the conversation being read
# FOLDER values and the box each puts a conversation in; SENT says nothing about it.
FOLDER_BOXES = {"INBOX": BOX_INBOX, "ARCHIVE": BOX_ARCHIVED, "ARCHIVED": BOX_ARCHIVED, "SPAM": BOX_SPAM}
FOLDER_NAMES = frozenset(FOLDER_BOXES) | {"SENT"}  # as LinkedIn writes them: no need to tidy
OUTGOING = ("OUTGOING", "SENT")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd)\s*:\s*)+", re.IGNORECASE)

SKIP_EMPTY = "messages with no text (attachments are not in the export)"
SKIP_DUPLICATE = "rows repeated in the export"
SKIP_CONNECTION = "connections without a name or profile URL"


@dataclass
class ImportSummary:
    """What an import read and added; ``describe()`` is the closing note for the user."""

    source: str
    files: list[str] = field(default_factory=list)
    conversations: int = 0
    conversations_updated: int = 0
    messages: int = 0
    drafts: int = 0
    members: int = 0
    connections: int = 0
    invitations: int = 0
    already_imported: int = 0
    rows_read: int = 0
    skipped: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def messages_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        lines = [f"Read {', '.join(self.files)} from {self.source}."]
        added = [
            _count(self.conversations, "conversation"),
            _count(self.messages, "message"),
            _count(self.drafts, "draft"),
            _count(self.members, "member"),
            _count(self.connections, "connection"),
        ]
        if any((self.conversations, self.messages, self.drafts, self.members, self.connections)):
            lines.append(f"Added {_join(added)}.")
        else:
            lines.append("Nothing new: everything in this export is already in the store.")
        if self.conversations_updated:
            lines.append(f"{_count(self.conversations_updated, 'conversation')} already here got new messages.")
        if self.already_imported:
            lines.append(f"{_count(self.already_imported, 'message')} were already in the store.")
        if self.invitations:
            lines.append(f"{_count(self.invitations, 'invitation')} read (their members are in the store).")
        if self.skipped:
            reasons = _join([f"{reason} ({n:,})" for reason, n in sorted(self.skipped.items())])
            lines.append(f"Skipped {_count(self.rows_skipped, 'row')}: {reasons}.")
        if self.seconds > 0 and self.rows_read >= PROGRESS_EVERY:
            lines.append(f"{self.rows_read:,} message rows in {self.seconds:.1f} s "
                         f"({self.messages_per_second:,.0f} rows/s).")
        return "\n".join(lines)


def _has_links(text: str) -> bool:
    # Messaging's own test, run only on the few texts that could hold "http://" or "www.".
    return (":/" in text or "w." in text or "W." in text) and has_links(text)


def _iso_date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def import_linkedin(path: str | Path, *, progress: Progress | None = None,
                    now: datetime | None = None) -> ImportSummary:
    """Import the export at ``path`` (a .zip, a folder, or a messages.csv) as member "me"."""
    started = time.monotonic()
    export = LinkedInExport(path)
    try:
        importer = _Importer(export, progress, now or clock.now())
        importer.read()
        retrying(importer.write)
    finally:
        export.close()
    summary = importer.summary
    summary.seconds = time.monotonic() - started
    if progress is not None:
        progress("done", summary.rows_read, 1.0)
    return summary


class _Identity:
    __slots__ = ("name", "url", "kind", "company", "position")

    def __init__(self, name: str, url: str, kind: str) -> None:
        self.name = name
        self.url = url
        self.kind = kind
        self.company = ""
        self.position = ""


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


class _Thread:
    """What the first pass learns about one conversation."""

    __slots__ = (
        "key", "title", "subject", "participants", "seen", "count", "drafts", "first_at", "first_row",
        "first_sender", "inmail_like", "last_at", "box", "box_at", "sponsored", "first_by", "last_by",
        "conversation_id", "is_new", "kind", "member_ids", "added", "new_last_at",
        "new_last_body", "max_id", "first_id", "id_prefix", "left_at", "known", "rows_left",
    )

    def __init__(self, key: str) -> None:
        self.key = key
        self.title = ""
        self.subject = ""
        self.participants: dict[str, None] = {}
        self.seen: set[tuple] = set()
        self.count = 0
        self.drafts = 0
        self.first_at: datetime | None = None
        self.first_row: tuple[int, int] | None = None  # (file number, line)
        self.first_sender = ""
        self.inmail_like = False
        self.last_at: datetime | None = None
        self.box: int | None = None
        self.box_at: datetime | None = None
        self.sponsored = False
        self.first_by: dict[str, datetime] = {}
        self.last_by: dict[str, datetime] = {}
        self.left_at: dict[str, datetime] = {}  # members whose leaving the export shows
        self.conversation_id: int | None = None
        self.is_new = False
        self.kind = "direct"
        self.member_ids: list[int] = []
        self.added = 0
        self.new_last_at: datetime | None = None
        self.new_last_body = ""
        self.max_id = 0
        self.first_id: int | None = None
        self.id_prefix = hashlib.blake2b(key.encode("utf-8"), digest_size=4).hexdigest()
        self.known: set[str] = set()  # external ids of its messages: stored before, or met in this export
        self.rows_left = 0  # its message rows still to write


MEMBER_COLUMNS = ("id", "handle", "name", "headline", "company", "position", "location", "plan",
                  "plan_started_at", "open_profile", "kind", "profile_url", "created_at")
SETTINGS_COLUMNS = ("member", "allow_inmail", "allow_open_profile", "allow_sponsored", "focused_inbox",
                    "read_receipts", "notifications")
MESSAGE_COLUMNS = ("id", "conversation", "sender", "kind", "subject", "body", "sent_at", "has_links",
                   "body_hash", "external_id")
STATE_COLUMNS = ("conversation", "member", "folder", "unread", "has_unread", "archived", "muted",
                 "starred", "spam", "deleted", "box", "peer", "connected", "inmail",
                 "has_attachment", "last_at", "read_upto", "marked_safe", "left")


class _Importer:
    def __init__(self, export: LinkedInExport, progress: Progress | None, now: datetime) -> None:
        self.export = export
        self.progress = progress
        self.now = now
        self.summary = ImportSummary(source=export.path.name)
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
        self.connections: list[tuple[str, datetime]] = []
        self.invited: list[str] = []
        self.member_of: dict[str, int] = {}
        self.handle_of: dict[int, str] = {}
        self.name_of: dict[int, tuple[str, str, str]] = {}  # name, company, headline
        self.me_id = 0
        self.my_connections: dict[int, datetime] = {}
        self.message_files: list[ExportFile] = export.messages()
        self._row_memo: dict[tuple, tuple] = {}
        self._memo_conversation: str | None = None
        self._version = ""
        # Whether the messages come oldest first, so that ids in file order follow their time,
        # or newest first (LinkedIn's order), so that ids counting down do.
        self.in_time_order = True
        self.newest_first = True
        self._previous_at: datetime | None = None

    # --- first pass: read and check everything, write nothing ---------------------------

    def read(self) -> None:
        for file in self.export.get(PROFILE_FILE)[:1]:
            self._read_profile(file)
        for file in self.export.get(CONNECTIONS_FILE):
            self._read_connections(file)
        for file in self.export.get(INVITATIONS_FILE):
            self._read_invitations(file)
        for number, file in enumerate(self.message_files):
            rows = 0
            for line, fields, at, _stamp in self._message_rows(file, "Reading"):
                self._gather(number, line, fields, at)
                rows += 1
            self.summary.files.append(f"{file.name} ({self._version} layout, {_count(rows, 'row')})")
            self.summary.rows_read += rows

    def _read_profile(self, file: ExportFile) -> None:
        rows = CsvRows(file.open(), file.name, file.open)
        try:
            it = iter(rows)
            header = read_header(it, rows)
            cols = column_indices(header, PROFILE_COLUMNS, ("geo location",), file.name)
            for row in it:
                if not any(cell.strip() for cell in row):
                    continue
                cell = lambda name: row[cols[name]].strip() if name in cols and cols[name] < len(row) else ""  # noqa: E731
                self.owner_first = cell("first name")
                self.owner_last = cell("last name")
                self.owner_headline = cell("headline")
                self.owner_location = cell("geo location")
                self.profile_name = f"{self.owner_first} {self.owner_last}".strip()
                break
        finally:
            rows.close()
        self.summary.files.append(file.name)

    def _read_connections(self, file: ExportFile) -> None:
        rows = CsvRows(file.open(), file.name, file.open)
        count = 0
        try:
            it = iter(rows)
            header = read_header(it, rows, first_column="first name")
            cols = column_indices(header, CONNECTION_COLUMNS, CONNECTION_OPTIONAL, file.name)
            width = len(header)
            for row in it:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    raise ArchiveError(file.name, f"the row has {len(row)} fields; the header has {width}.", rows.line)
                count += 1
                name = f"{row[cols['first name']].strip()} {row[cols['last name']].strip()}".strip()
                url = row[cols["url"]] if "url" in cols else ""
                if not name and not url.strip():
                    self.summary.skipped[SKIP_CONNECTION] += 1
                    continue
                raw_date = row[cols["connected on"]].strip()
                at = parse_date(raw_date) if raw_date else self.now
                if at is None:
                    raise ArchiveError(file.name, f"the Connected On date '{raw_date}' is not a date.", rows.line)
                key = self._person(name, url)
                identity = self.identities[key]
                identity.company = identity.company or row[cols["company"]].strip()
                identity.position = identity.position or row[cols["position"]].strip()
                self.connections.append((key, at))
        finally:
            rows.close()
        self.summary.files.append(f"{file.name} ({_count(count, 'row')})")

    def _read_invitations(self, file: ExportFile) -> None:
        rows = CsvRows(file.open(), file.name, file.open)
        count = 0
        try:
            it = iter(rows)
            header = read_header(it, rows)
            cols = column_indices(header, INVITATION_COLUMNS, INVITATION_OPTIONAL, file.name)
            for row in it:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise ArchiveError(file.name, f"the row has {len(row)} fields; the header has {len(header)}.", rows.line)
                count += 1
                outgoing = row[cols["direction"]].strip().upper() in OUTGOING
                side, url_column = ("to", "inviteeprofileurl") if outgoing else ("from", "inviterprofileurl")
                url = row[cols[url_column]] if url_column in cols else ""
                name = row[cols[side]].strip()
                if name or url.strip():
                    self.invited.append(self._person(name, url))
        finally:
            rows.close()
        self.summary.invitations += count
        self.summary.files.append(f"{file.name} ({_count(count, 'row')})")

    def _message_rows(self, file: ExportFile, stage: str) -> Iterator[tuple[int, tuple, datetime, str]]:
        """(line, fields in MESSAGE_FIELDS order, date, date as stored) for each row of a file.

        The stored form is the text SQLite keeps for a datetime; LinkedIn's usual
        "2024-03-05 14:22:01 UTC" already starts with it, which saves converting.
        """
        rows = CsvRows(file.open(), file.name, file.open)
        progress = self.progress
        label = f"{stage} {file.name}"
        try:
            it = iter(rows)
            header = read_header(it, rows)
            self._version = message_version(header, file.name).name
            extract = message_extractor(header)
            width = len(header)
            done = 0
            for row in it:
                if len(row) != width:
                    if not any(cell.strip() for cell in row):
                        continue
                    if len(row) < width or any(cell.strip() for cell in row[width:]):
                        raise ArchiveError(
                            file.name, f"the row has {len(row)} fields; the header has {width}.", rows.line
                        )
                    del row[width:]
                row.append("")
                fields = extract(row)
                date = fields[6]
                if len(date) == 23 and date[10] == " " and date.endswith(" UTC"):
                    # LinkedIn's usual form: its first 19 characters are the stored text.
                    stamp = date[:19]
                    at = _iso_date(stamp)
                else:
                    at = parse_date(date)
                    stamp = at.isoformat(" ") if at is not None else ""
                if at is None:
                    raise ArchiveError(file.name, f"the DATE '{date.strip()}' is not a date.", rows.line)
                yield rows.line, fields, at, stamp
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(label, done, rows.position() / file.size if file.size else None)
        finally:
            rows.close()

    def _person(self, name: str, url: str) -> str:
        name = " ".join(name.split())
        if name == HIDDEN_MEMBER:
            return ANONYMOUS_PLACEHOLDER
        url = canonical_url(url) if url else ""
        if url:
            key = url_key(url)
            identity = self.identities.get(key)
            if identity is None:
                self.identities[key] = _Identity(name, url, "person")
            elif name and not identity.name:
                identity.name = name
            if name:
                self.urls_by_name.setdefault(name_key(name), set()).add(key)
            return key
        if not name:
            return ""
        key = name_key(name)
        if key not in self.identities:
            self.identities[key] = _Identity(name, "", "person")
        return key

    def _sender(self, name: str, url: str, sponsored: bool) -> str:
        if sponsored:
            key = company_key(name)
            if key not in self.identities:
                self.identities[key] = _Identity(" ".join(name.split()) or "Sponsor", "", "company")
            return key
        return self._known_person(name, url)

    def _known_person(self, name: str, url: str) -> str:
        """``_person``, asked once for each name and URL as written: the same people write and
        are written to in conversation after conversation."""
        cached = self.person_keys.get((name, url))
        if cached is None:
            cached = self.person_keys[(name, url)] = self._person(name, url)
        return cached

    def _recipients(self, names: str, urls: str) -> tuple[str, ...]:
        cached = self.recipient_keys.get((names, urls))
        if cached is not None:
            return cached
        url_list = split_urls(urls) if urls.strip() else []
        name_list = split_names(names, len(url_list) if url_list else None)
        person = self._known_person
        if not url_list:
            keys = tuple(person(n, "") for n in name_list)
        elif len(name_list) == len(url_list):
            keys = tuple(person(n, u) for n, u in zip(name_list, url_list))
        else:
            # Names that cannot be paired with URLs: the URLs alone say who it is.
            seen = [n for n in name_list if n == HIDDEN_MEMBER]
            keys = tuple(person("", u) for u in url_list) + tuple(ANONYMOUS_PLACEHOLDER for _ in seen)
        self.recipient_keys[(names, urls)] = keys
        return keys

    def _conversation_key(self, conversation_id: str, sender: str, recipients: tuple[str, ...],
                          subject: str) -> str:
        conversation_id = conversation_id.strip()
        if conversation_id:
            return "li:" + conversation_id
        # 2018/2019 exports have no conversation id: the same people and subject are one thread.
        people = sorted({k for k in (sender, *recipients) if k})
        topic = _SUBJECT_PREFIX.sub("", subject).strip().casefold()
        digest = hashlib.blake2b("\x1f".join([*people, topic]).encode("utf-8"), digest_size=12)
        return "ls:" + digest.hexdigest()

    def _row_people(self, fields: tuple) -> tuple[bool, str, tuple[str, ...], str]:
        """(sponsored, sender key, recipient keys, conversation key) of a row.

        A conversation's rows repeat the same few senders and recipients, and its rows
        come together in the export: the answers are kept for the current conversation.
        """
        people = fields[:6] if fields[0] else (*fields[:6], fields[7])  # without an id, the subject counts
        known = self._row_memo.get(people)
        if known is not None:
            return known
        if people[0] != self._memo_conversation or len(self._row_memo) >= ROW_MEMO_SIZE:
            self._memo_conversation = people[0]
            self._row_memo.clear()
        (conversation_id, title, from_name, from_url, to_names, to_urls, _date, subject, *_rest) = fields
        sponsored = not from_url.strip() and title.strip() == SPONSORED_TITLE
        sender = self._sender(from_name, from_url, sponsored)
        recipients = self._recipients(to_names, to_urls)
        key = self._conversation_key(conversation_id, sender, recipients, subject)
        known = self._row_memo[people] = (sponsored, sender, recipients, key)
        return known

    def _gather(self, number: int, line: int, fields: tuple, at: datetime) -> None:
        sponsored, sender, recipients, key = self._row_people(fields)
        thread = self.threads.get(key)
        if thread is None:
            thread = self.threads[key] = _Thread(key)
        people = (sender, recipients)
        if people not in thread.seen:
            # Each (sender, recipients) pair of a conversation is looked at once.
            thread.seen.add(people)
            for person in (sender, *recipients):
                if person:
                    thread.participants[self._anonymous(key) if person == ANONYMOUS_PLACEHOLDER else person] = None
        if sender == ANONYMOUS_PLACEHOLDER:
            sender = self._anonymous(key)
        (_id, title, from_name, _url, _to, _urls, _date, subject, content, folder, direction,
         message_draft, conversation_draft) = fields
        if folder not in FOLDER_NAMES:
            folder = folder.strip().upper()
        if direction:
            if direction.strip().upper() in OUTGOING or folder == "SENT":
                self.owner_votes[sender] += 1
            elif len(recipients) == 1:
                self.owner_votes[recipients[0]] += 1
        if not folder or is_yes(message_draft) or is_yes(conversation_draft):
            thread.drafts += 1
            self.owner_votes[sender] += 1
            return
        if not content or content.isspace():
            return
        thread.count += 1
        previous = self._previous_at
        if previous is not None and at != previous:
            if at < previous:
                self.in_time_order = False
            else:
                self.newest_first = False
        self._previous_at = at
        if title and not thread.title:
            thread.title = title.strip()
        if subject and not thread.subject:
            thread.subject = subject.strip()
        if thread.last_at is None or at >= thread.last_at:
            thread.last_at = at
        box = FOLDER_BOXES.get(folder)
        if box is not None and (thread.box_at is None or at >= thread.box_at):
            thread.box, thread.box_at = box, at
        if sponsored:
            thread.sponsored = True
        if not from_name or from_name.isspace():
            return
        if is_system_text(content):
            if content.rstrip().rstrip(".").endswith(" left the conversation"):
                thread.left_at[sender] = max(at, thread.left_at.get(sender, at))
            return
        if thread.first_at is None or at < thread.first_at:
            thread.first_at = at
            thread.first_row = (number, line)
            thread.first_sender = sender
            subject = subject.strip()
            thread.inmail_like = bool(subject) and title.strip() == subject
        first_by = thread.first_by
        known = first_by.get(sender)
        if known is None or at < known:
            first_by[sender] = at
        last_by = thread.last_by
        known = last_by.get(sender)
        if known is None or at > known:
            last_by[sender] = at

    def _anonymous(self, conversation_key: str) -> str:
        key = "a:" + conversation_key
        if key not in self.identities:
            self.identities[key] = _Identity(HIDDEN_MEMBER, "", "anonymous")
        return key

    # --- writing: one transaction ---------------------------------------------------------

    def write(self) -> None:
        with write():
            self._stage(SETTLING)
            self._resolve_members()
            self._write_connections()
            self._write_conversations()
            self._recall_stored_messages()
            threads = [t for t in self.threads.values() if t.count]
            for thread in threads:
                thread.rows_left = thread.count
            adding = sum(t.count for t in threads)
            with indexes_rebuilt(Message, adding):
                self._write_all_messages(threads, adding)
            self._finish_conversations()
            refresh_people([t.conversation_id for t in threads])
            if self.summary.messages or self.summary.drafts or self.summary.members or self.summary.connections:
                changes.record("message", self.now)

    def _stage(self, name: str) -> None:
        """A stage of a long import that counts nothing but takes seconds, for the progress line."""
        if self.progress is not None and self.summary.rows_read >= PROGRESS_EVERY:
            self.progress(name, None, None)

    def _owner_keys(self, canon: dict[str, str]) -> set[str]:
        """The canonical keys of the export's owner: named by Profile.csv, else the member
        "me" already is, else whoever takes part in the most conversations."""
        def canonical(key: str) -> str:
            return canon.get(key, key)

        in_threads = {canonical(k) for thread in self.threads.values() for k in thread.participants}
        candidates = []
        if self.owner_first or self.owner_last:
            candidates.append(name_key(f"{self.owner_first} {self.owner_last}"))
        me = Member.get_or_none(Member.handle == ME)
        if me is not None:
            if me.profile_url:
                candidates.append(url_key(canonical_url(me.profile_url)))
            candidates.append(name_key(me.name))
        for key in candidates:
            keys = {canonical(key)} | {canonical(u) for u in self.urls_by_name.get(key, ())}
            if keys & in_threads or not self.threads:
                return keys
        people = lambda k: k.startswith(("u:", "n:"))  # noqa: E731
        votes = Counter({canonical(k): n for k, n in self.owner_votes.items() if people(k)})
        if not votes:
            for thread in self.threads.values():
                votes.update({canonical(k) for k in thread.participants if people(k)})
        if not votes:
            return set()
        return {votes.most_common(1)[0][0]}

    def _resolve_members(self) -> None:
        canon: dict[str, str] = {}
        for key, urls in self.urls_by_name.items():
            if len(urls) == 1:
                canon[key] = next(iter(urls))
        owner = self._owner_keys(canon)

        existing_by_url: dict[str, int] = {}
        existing_by_name: dict[tuple[str, str], int] = {}
        existing_by_handle: dict[str, int] = {}
        blanks: dict[int, tuple[str, str, str]] = {}
        for member_id, handle, name, url, kind, company, position, headline in (
            Member.select(Member.id, Member.handle, Member.name, Member.profile_url, Member.kind,
                          Member.company, Member.position, Member.headline).order_by(Member.id).tuples()
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
        me_name = f"{self.owner_first} {self.owner_last}".strip() or (me_identity.name if me_identity else "") or "Me"
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
            if self.profile_name:
                updates["name"] = self.profile_name
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
        for key, target in resolved.items():
            self.member_of[key] = self.me_id if target == ME else by_handle[target] if isinstance(target, str) else target

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
            Connection.select(Connection.other, Connection.connected_at).where(Connection.member == me).tuples()
        }
        rows = []
        for key, at in self.connections:
            other = self.member_of[key]
            if other == me or other in self.my_connections:
                continue
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
                title = self.name_of[self.member_of[thread.first_sender]][0] if thread.first_sender else ""
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
            # InMail is what LinkedIn sends to someone who is not (yet) a connection.
            if connected_at is None or connected_at > thread.first_at:
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
                adding_to[conversation_id].known.add(external_id)

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
        counting_down = not self.in_time_order and self.newest_first
        if self.in_time_order:
            ids: Iterator[int] = iter(take_ids(Message, adding))
        elif counting_down:
            ids = iter(reversed(take_ids(Message, adding)))
        else:
            staging = TimeOrderedInsert(Message, MESSAGE_COLUMNS[1:], "sent_at")
            ids = itertools.count(1)  # the order read, which breaks ties in time
        # A copy to make the rows is forked, if they are many, before the index's thread starts:
        # a fork wants no other thread running.
        with self._rows_made(ids, adding) as events, \
                MessageIndex(lambda: {t.conversation_id: self._people_text(t) for t in threads}) as index:
            span = _Span(index.add) if counting_down else None
            written = span.add if span is not None else index.add
            for event, value in events:
                if event == "drafts":
                    self._flush_drafts(value)
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

        def work(put: Callable[[object], None]) -> None:
            if progress is not None:
                self.progress = lambda *args: put(("progress", args))
            for event in self._made_rows(ids):
                put(event)
            put(("report", self._rows_report()))

        with Forked(work, "parley-import-rows") as made:
            yield self._events_from(made, progress)

    def _events_from(self, made: Forked, progress: Progress | None) -> Iterator[tuple[str, list[tuple]]]:
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
        return threads, self.summary.skipped, self.summary.already_imported

    def _take_report(self, report: tuple) -> None:
        threads, self.summary.skipped, self.summary.already_imported = report
        for key, (added, max_id, first_id, last_at, last_body) in threads.items():
            thread = self.threads[key]
            thread.added, thread.max_id, thread.first_id = added, max_id, first_id
            thread.new_last_at, thread.new_last_body = last_at, last_body

    def _copy_in_time_order(self, threads: list[_Thread], staging: TimeOrderedInsert, index: MessageIndex) -> None:
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
        first_name, last_name = self.owner_first, self.owner_last
        member_of = self.member_of
        threads = self.threads
        blake = hashlib.blake2b
        for line, fields, at, stamp in self._message_rows(file, "Importing"):
            sponsored, sender, recipients, key = self._row_people(fields)
            thread = threads[key]
            (_id, _title, from_name, _url, _to, _urls, _date, subject, content, folder, _direction,
             message_draft, conversation_draft) = fields
            if sender == ANONYMOUS_PLACEHOLDER:
                sender = "a:" + key
            external_id = thread.id_prefix + blake(
                f"{key}\x1f{stamp}\x1f{from_name}\x1f{content}".encode("utf-8"), digest_size=12
            ).hexdigest()
            if is_yes(message_draft) or is_yes(conversation_draft) or not folder or folder.isspace():
                to = [member_of["a:" + key if r == ANONYMOUS_PLACEHOLDER else r] for r in recipients]
                drafts.append((thread.conversation_id, ",".join(self.handle_of[m] for m in to if m != self.me_id),
                               subject.strip()[:300], content, at, "d:" + external_id))
                continue
            if not content or content.isspace():
                self.summary.skipped[SKIP_EMPTY] += 1
                continue
            repeated = external_id in thread.known
            thread.rows_left -= 1
            if thread.rows_left:
                thread.known.add(external_id)
            else:
                thread.known.clear()  # the conversation's last row: its keys are needed no more
            if repeated:
                if thread.is_new:
                    self.summary.skipped[SKIP_DUPLICATE] += 1
                else:
                    self.summary.already_imported += 1
                continue
            system = not from_name or from_name.isspace() or is_system_text(content)
            sender_id = None if system else member_of.get(sender)
            if system:
                kind = "system"
            elif thread.kind == "sponsored" and sponsored:
                kind = "sponsored"
                content = fill_placeholders(html_to_text(content), first_name, last_name)
            elif thread.kind in ("inmail", "open_profile") and thread.first_row == (number, line):
                kind = thread.kind
            else:
                kind = "message"
            message_id = next(ids)
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

    def _flush_drafts(self, drafts: list[tuple]) -> None:
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

    def _finish_conversations(self) -> None:
        me = self.me_id
        conversation_updates = []
        states = []
        inmails = []
        for thread in self.threads.values():
            if not thread.added:
                continue
            if thread.is_new:
                conversation_updates.append((thread.new_last_at, preview_of(thread.new_last_body), thread.added,
                                             thread.conversation_id))
                others = [m for m in thread.member_ids if m != me]
                for member in self._viewers(thread):
                    states.append(self._state_row(thread, member, others))
                if thread.kind == "inmail" and thread.first_id is not None:
                    inmails.append(self._inmail_row(thread, others[0]))
            else:
                self.summary.conversations_updated += 1
                self._update_existing(thread)
        for start in range(0, len(conversation_updates), 1000):
            database.obj.cursor().executemany(
                'UPDATE "conversation" SET "last_at" = {p}, "preview" = {p}, "message_count" = {p} '
                'WHERE "id" = {p}'.format(p=database.obj.param),
                conversation_updates[start:start + 1000],
            )
        # In the order the inbox indexes begin with (member, box, last activity): SQLite builds
        # or extends them faster from rows nearly in order.
        states.sort(key=lambda row: (row[1], row[10], row[15]))
        with indexes_rebuilt(ConversationState, len(states)):
            insert_rows(ConversationState, STATE_COLUMNS, states)
        for start in range(0, len(inmails), 500):
            InMail.insert_many(inmails[start:start + 500]).execute()

    def _state_row(self, thread: _Thread, member: int, others: list[int]) -> tuple:
        """The member's view, by the delivery rules: the archive's owner has read all of it, and
        files it where its FOLDER says; everyone else has it in their inbox."""
        me = self.me_id
        mine = member == me
        box = thread.box if mine and thread.box is not None else BOX_INBOX
        route = delivery.route_of_arrival(thread.kind, answered=self._answered(thread, member))
        view = delivery.View(folder=delivery.folder_for(route), archived=box == BOX_ARCHIVED, spam=box == BOX_SPAM)
        if thread.kind == "group":
            peer = None
        elif mine:
            peer = others[0] if others else None
        else:
            peer = me
        connected = peer is not None and thread.kind != "sponsored" and (
            (mine and peer in self.my_connections) or (peer == me and member in self.my_connections)
        )
        return (thread.conversation_id, member, view.folder, view.unread, view.has_unread, view.archived, False,
                False, view.spam, view.deleted, view.box, peer, connected, thread.kind == "inmail", False,
                thread.new_last_at, thread.max_id, False, self._has_left(thread, member))

    def _has_left(self, thread: _Thread, member: int) -> bool:
        """A group member who left (a "… left the conversation." line) and wrote nothing after."""
        if thread.kind != "group" or member == self.me_id:
            return False
        left = [at for key, at in thread.left_at.items() if self.member_of.get(key) == member]
        wrote = [at for key, at in thread.last_by.items() if self.member_of.get(key) == member]
        return bool(left) and (not wrote or max(left) > max(wrote))

    def _viewers(self, thread: _Thread) -> list[int]:
        """Who has a view of the conversation: a sponsoring company has none of its own."""
        if thread.kind != "sponsored":
            return thread.member_ids
        return [m for m in thread.member_ids if m == self.me_id or m != self.member_of.get(thread.first_sender)]

    def _answered(self, thread: _Thread, member: int) -> bool:
        """Whether the member had written before the latest message from the others came (true
        when nothing came: the conversation is theirs alone so far)."""
        mine = [at for key, at in thread.first_by.items() if self.member_of.get(key) == member]
        theirs = [at for key, at in thread.last_by.items() if self.member_of.get(key) != member]
        if not theirs:
            return True
        return bool(mine) and min(mine) <= max(theirs)

    def _responded_at(self, thread: _Thread, recipient: int) -> datetime | None:
        times = [at for key, at in thread.first_by.items()
                 if self.member_of.get(key) == recipient and at > thread.first_at]
        return min(times) if times else None

    def _inmail_row(self, thread: _Thread, other: int) -> dict:
        sender = self.member_of[thread.first_sender]
        recipient = other if sender == self.me_id else self.me_id
        responded_at = self._responded_at(thread, recipient)
        return {
            "message": thread.first_id, "conversation": thread.conversation_id, "sender": sender,
            "recipient": recipient, "sent_at": thread.first_at,
            "status": delivery.inmail_status(thread.first_at, responded_at, self.now),
            "responded_at": responded_at, "refunded": False,
            "reminded_at": delivery.reminded_at(thread.first_at, responded_at, self.now), "billed": False,
        }

    def _update_existing(self, thread: _Thread) -> None:
        """A newer export of the same account: new messages in a conversation already here."""
        conversation = Conversation.get_by_id(thread.conversation_id)
        if thread.new_last_at >= conversation.last_at:
            conversation.last_at = thread.new_last_at
            conversation.preview = preview_of(thread.new_last_body)
        conversation.message_count = (
            Message.select(fn.COUNT(Message.id)).where(Message.conversation == conversation.id).scalar()
        )
        conversation.save()
        states = {s.member_id: s for s in
                  ConversationState.select().where(ConversationState.conversation == conversation.id)}
        others = [m for m in thread.member_ids if m != self.me_id]
        missing = [self._state_row(thread, m, others) for m in self._viewers(thread) if m not in states]
        insert_rows(ConversationState, STATE_COLUMNS, missing)
        for member, state in states.items():
            state.last_at = max(state.last_at, conversation.last_at)
            state.read_upto = max(state.read_upto, thread.max_id)
            if member == self.me_id and thread.box is not None and not state.deleted:
                state.archived = thread.box == BOX_ARCHIVED
                state.spam = thread.box == BOX_SPAM
                state.refresh_box()
            state.save()
        if conversation.kind == "inmail":
            inmail = InMail.get_or_none(InMail.conversation == conversation.id)
            if inmail is not None and inmail.status in ("pending", "expired"):
                reply = (Message.select(fn.MIN(Message.sent_at))
                         .where((Message.conversation == conversation.id) & (Message.sender == inmail.recipient_id)
                                & (Message.sent_at > inmail.sent_at)).scalar())
                if reply is not None:
                    inmail.status, inmail.responded_at = "replied", reply
                    inmail.save()
