"""The import's first pass: read and check every file, gather what each conversation needs, write nothing."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime
from typing import Iterator

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
from app.interchange.linkedin.people import (
    ANONYMOUS_PLACEHOLDER,
    HIDDEN_MEMBER,
    SPONSORED_TITLE,
    canonical_url,
    company_key,
    is_system_text,
    name_key,
    split_names,
    split_urls,
    url_key,
)
from app.interchange.linkedin.progress import Progress
from app.interchange.linkedin.summary import PROGRESS_EVERY, SKIP_CONNECTION, ImportSummary, counted
from app.store.models import BOX_ARCHIVED, BOX_INBOX, BOX_SPAM

ROW_MEMO_SIZE = 64  # senders and recipients remembered for the conversation being read
# FOLDER values and the box each puts a conversation in; SENT says nothing about it.
FOLDER_BOXES = {"INBOX": BOX_INBOX, "ARCHIVE": BOX_ARCHIVED, "ARCHIVED": BOX_ARCHIVED, "SPAM": BOX_SPAM}
FOLDER_NAMES = frozenset(FOLDER_BOXES) | {"SENT"}  # as LinkedIn writes them: no need to tidy
OUTGOING = ("OUTGOING", "SENT")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd)\s*:\s*)+", re.IGNORECASE)


def _iso_date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


class _Identity:
    __slots__ = ("name", "url", "kind", "company", "position")

    def __init__(self, name: str, url: str, kind: str) -> None:
        self.name = name
        self.url = url
        self.kind = kind
        self.company = ""
        self.position = ""


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


class Reading:
    """The importer's first pass (its state lives on the importer)."""

    # The importer's state this pass reads and fills, set up by the importer.
    export: LinkedInExport
    progress: Progress | None
    now: datetime
    summary: ImportSummary
    message_files: list[ExportFile]
    identities: dict[str, _Identity]
    urls_by_name: dict[str, set[str]]
    threads: dict[str, _Thread]
    person_keys: dict[tuple[str, str], str]
    recipient_keys: dict[tuple[str, str], tuple[str, ...]]
    owner_votes: Counter[str]
    connections: list[tuple[str, datetime]]
    invited: list[str]
    _row_memo: dict[tuple, tuple]
    _memo_conversation: str | None
    _previous_at: datetime | None

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
            self.summary.files.append(f"{file.name} ({self._version} layout, {counted(rows, 'row')})")
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
        self.summary.files.append(f"{file.name} ({counted(count, 'row')})")

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
                    raise ArchiveError(
                        file.name, f"the row has {len(row)} fields; the header has {len(header)}.", rows.line
                    )
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
        self.summary.files.append(f"{file.name} ({counted(count, 'row')})")

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
