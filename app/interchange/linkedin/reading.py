"""The import's first pass: read and check every file, gather what each conversation needs, write nothing."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime
from typing import Callable, Iterator

from app.interchange.linkedin.archive import (
    CONNECTIONS_FILE,
    INVITATIONS_FILE,
    PROFILE_FILE,
    ExportFile,
    LinkedInExport,
)
from app.core.invitations import NOTE_MAX as INVITATION_NOTE_MAX
from app.core.plans import LIMITS
from app.interchange.linkedin.csv_versions import (
    CONNECTION_COLUMNS,
    CONNECTION_OPTIONAL,
    INVITATION_COLUMNS,
    INVITATION_OPTIONAL,
    MESSAGE_VERSIONS,
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
    name_key,
    split_names,
    split_urls,
    url_key,
)
from app.interchange.linkedin.progress import Progress
from app.interchange.linkedin.summary import (
    PROGRESS_EVERY,
    SKIP_CONNECTION,
    SKIP_CONNECTION_DATE,
    SKIP_DATE,
    SKIP_INVITATION,
    SKIP_INVITATION_DATE,
    SKIP_INVITATION_NOTE,
    SKIP_TOO_LONG,
    FileReport,
    ImportSummary,
)
from app.interchange.linkedin.text import has_placeholder, is_system_text, looks_like_html
from app.store.models import BOX_ARCHIVED, BOX_INBOX, BOX_SPAM

ROW_MEMO_SIZE = 64  # senders and recipients remembered for the conversation being read
# FOLDER values and the box each puts a conversation in; SENT says nothing about it.
FOLDER_BOXES = {"INBOX": BOX_INBOX, "ARCHIVE": BOX_ARCHIVED, "ARCHIVED": BOX_ARCHIVED, "SPAM": BOX_SPAM}
FOLDER_NAMES = frozenset(FOLDER_BOXES) | {"SENT"}  # as LinkedIn writes them: no need to tidy
OUTGOING = ("OUTGOING", "SENT")
# Reply and forward marks in the mail clients' languages: a 2018 conversation is its people and
# its subject without them.
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|vs|tr|wg)\s*:\s*)+", re.IGNORECASE)


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
        "new_last_body", "max_id", "first_id", "id_prefix", "left_at", "known", "stored", "rows_left",
        "previous_at", "direction", "ties", "html", "sponsor", "sponsor_hint", "links",
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
        self.known: set[str] = set()  # external ids of its messages met in this export
        self.stored: set[str] | frozenset[str] = frozenset()  # external ids of its messages stored before
        self.rows_left = 0  # its message rows still to write
        self.previous_at: datetime | None = None
        # 1 when the export lists its rows oldest first, -1 newest first, 0 when it cannot tell;
        # messages of the same second follow it.
        self.direction = 0
        self.ties = False  # two of its rows share a second
        self.html = False  # a row from someone else carries HTML markup or entities
        self.sponsor = ""  # a sponsored conversation's sender, as a company key
        self.sponsor_hint = ""  # a name for the sponsor from a sender or the title
        self.links: tuple[str, ...] = ()  # its first link, to name its sponsor if it is an ad


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
    owner_names: set[str]
    owner_keys: set[str]
    canon: dict[str, str]
    known_names: set[str]
    name_splits: dict[tuple[str, str], tuple[str, ...]]
    unsure_senders: dict[str, bool]
    connections: list[tuple[str, datetime, FileReport]]
    invited: list[str]
    # (the other member's key, sent at, note, sent by the owner, its file's report)
    invitations: list[tuple[str, datetime, str, bool, FileReport]]
    owner_first: str
    owner_last: str
    owner_headline: str
    owner_location: str
    profile_name: str
    in_time_order: bool
    newest_first: bool
    _drafts_read: int  # drafts in the messages file being read
    _row_memo: dict[tuple, tuple]
    _memo_conversation: str | None
    _previous_at: datetime | None
    _version: str

    # The importer's other steps this pass calls: whom the owner is expected to be before the
    # rows, who it is once they are read, and which conversations are ads.
    _expect_owner: Callable[[], None]
    _choose_owner: Callable[[], None]
    _find_sponsors: Callable[[], None]

    # --- first pass: read and check everything, write nothing ---------------------------

    def read(self) -> None:
        for file in self.export.get(PROFILE_FILE)[:1]:
            self._read_profile(file)
        for file in self.export.get(CONNECTIONS_FILE):
            self._read_connections(file)
        for file in self.export.get(INVITATIONS_FILE):
            self._read_invitations(file)
        self._expect_owner()
        self._read_messages()
        self._choose_owner()
        resplit = self._names_split_otherwise()
        if resplit or any(self._is_owner(sender) != taken for sender, taken in self.unsure_senders.items()):
            # Read before all of the export was: some rows with an empty FOLDER are the owner's
            # drafts after all, or some TO cells are cut otherwise by the names the rest of the
            # export shows. Read the messages again, knowing.
            for cell in resplit:
                del self.recipient_keys[cell]
            self._forget_messages()
            self._read_messages()
        self._find_sponsors()

    def _read_messages(self) -> None:
        for number, file in enumerate(self.message_files):
            report = self.summary.report(file.name, noun="message")
            threads: set[str] = set()
            rows = self._drafts_read = 0
            for line, fields, at, _stamp in self._message_rows(file, "Reading", report):
                threads.add(self._gather(number, line, fields, at))
                rows += 1
            report.conversations = len(threads)
            report.imported = rows - self._drafts_read
            report.rows = rows + sum(report.skipped.values())
            self.summary.rows_read += report.rows

    def _names_split_otherwise(self) -> list[tuple[str, str]]:
        """The TO cells (with their URL cells) that the names known now cut into other people."""
        return [cell for cell, names in self.name_splits.items()
                if tuple(split_names(cell[0], None, self.known_names)) != names]

    def _forget_messages(self) -> None:
        self.name_splits.clear()
        self._row_memo.clear()
        self._memo_conversation = None
        self.threads.clear()
        self.owner_votes.clear()
        self.unsure_senders.clear()
        self.summary.reports = [r for r in self.summary.reports if r.noun != "message"]
        for reason in (SKIP_DATE, SKIP_TOO_LONG):
            self.summary.skipped.pop(reason, None)
        self.summary.rows_read = 0
        self.in_time_order = self.newest_first = True
        self._previous_at = None

    def _is_owner(self, key: str) -> bool:
        """Whether a person's key is the export's owner, as far as is known yet."""
        if key in self.owner_keys or self.canon.get(key, key) in self.owner_keys:
            return True
        identity = self.identities.get(key)
        return identity is not None and bool(identity.name) and name_key(identity.name) in self.owner_names

    def _read_profile(self, file: ExportFile) -> None:
        rows = CsvRows(file.open(), file.name, file.open)
        count = 0
        try:
            it = iter(rows)
            header = read_header(it, rows)
            cols = column_indices(header, PROFILE_COLUMNS, ("geo location",), file.name)
            for row in it:
                if not any(cell.strip() for cell in row):
                    continue
                count += 1
                cell = lambda name: row[cols[name]].strip() if name in cols and cols[name] < len(row) else ""  # noqa: E731
                self.owner_first = cell("first name")
                self.owner_last = cell("last name")
                self.owner_headline = cell("headline")
                self.owner_location = cell("geo location")
                self.profile_name = f"{self.owner_first} {self.owner_last}".strip()
                break
        finally:
            rows.close()
        self.summary.report(file.name, layout=_how_read(rows), rows=count)

    def _read_connections(self, file: ExportFile) -> None:
        rows = CsvRows(file.open(), file.name, file.open)
        report = self.summary.report(file.name, noun="connection")
        try:
            it = iter(rows)
            header = read_header(it, rows, first_column="first name")
            report.layout = _how_read(rows)
            cols = column_indices(header, CONNECTION_COLUMNS, CONNECTION_OPTIONAL, file.name)
            width = len(header)
            for row in it:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    raise ArchiveError(file.name, f"the row has {len(row)} fields; the header has {width}.", rows.line)
                report.rows += 1
                name = f"{row[cols['first name']].strip()} {row[cols['last name']].strip()}".strip()
                url = row[cols["url"]] if "url" in cols else ""
                if not name and not url.strip():
                    self.summary.skip(report, SKIP_CONNECTION, rows.line)
                    continue
                raw_date = row[cols["connected on"]].strip()
                at = parse_date(raw_date) if raw_date else self.now
                if at is None:
                    self.summary.skip(report, SKIP_CONNECTION_DATE, rows.line)
                    continue
                company = row[cols["company"]].strip()
                key = self._connection(name, url, company)
                identity = self.identities[key]
                identity.company = identity.company or company
                identity.position = identity.position or row[cols["position"]].strip()
                self.connections.append((key, at, report))
                self.known_names.add(name_key(name))
        finally:
            rows.close()

    def _connection(self, name: str, url: str, company: str) -> str:
        """A connection's key. Without a URL, a connection is its name and company: two
        namesakes at different companies are two people, not one."""
        if url.strip():
            return self._person(name, url)
        key = self._person(name, "")
        identity = self.identities[key]
        if not company or not identity.company or identity.company.casefold() == company.casefold():
            return key
        key = f"{key}\x1f{company.casefold()}"
        if key not in self.identities:
            self.identities[key] = _Identity(" ".join(name.split()), "", "person")
        return key

    def _read_invitations(self, file: ExportFile) -> None:
        rows = CsvRows(file.open(), file.name, file.open)
        report = self.summary.report(file.name, noun="invitation")
        try:
            it = iter(rows)
            header = read_header(it, rows)
            report.layout = _how_read(rows)
            cols = column_indices(header, INVITATION_COLUMNS, INVITATION_OPTIONAL, file.name)
            for row in it:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise ArchiveError(
                        file.name, f"the row has {len(row)} fields; the header has {len(header)}.", rows.line
                    )
                report.rows += 1
                outgoing = row[cols["direction"]].strip().upper() in OUTGOING
                side, url_column = ("to", "inviteeprofileurl") if outgoing else ("from", "inviterprofileurl")
                url = row[cols[url_column]] if url_column in cols else ""
                name = row[cols[side]].strip()
                if not (name or url.strip()):
                    self.summary.skip(report, SKIP_INVITATION, rows.line)
                    continue
                key = self._person(name, url)
                self.invited.append(key)
                at = parse_date(row[cols["sent at"]])
                note = row[cols["message"]].strip() if "message" in cols else ""
                if at is None:
                    self.summary.skip(report, SKIP_INVITATION_DATE, rows.line)
                elif len(note) > INVITATION_NOTE_MAX:
                    self.summary.skip(report, SKIP_INVITATION_NOTE, rows.line)
                else:
                    self.invitations.append((key, at, note, outgoing, report))
        finally:
            rows.close()
        self.summary.invitations += report.rows

    def _message_rows(self, file: ExportFile, stage: str,
                      report: FileReport | None = None) -> Iterator[tuple[int, tuple, datetime, str]]:
        """(line, fields in MESSAGE_FIELDS order, date, date as stored) for each row of a file.

        The stored form is the text SQLite keeps for a datetime; LinkedIn's usual
        "2024-03-05 14:22:01 UTC" already starts with it, which saves converting. A row
        whose DATE is no date, or whose text is longer than a message may be, is left
        out; with ``report`` (the first reading) it is counted there, with its line.
        """
        rows = CsvRows(file.open(), file.name, file.open)
        progress = self.progress
        label = f"{stage} {file.name}"
        longest = LIMITS.message_body_max
        try:
            it = iter(rows)
            header = read_header(it, rows)
            version = message_version(header, file.name)
            self._version = version.name
            if report is not None:
                report.layout = f"{version.name} layout" + (f", {_how_read(rows)}" if _how_read(rows) else "")
            extract = message_extractor(header)
            width = len(header)
            done = 0
            oldest_header = version is MESSAGE_VERSIONS[0]
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
                if at is None or len(fields[8]) > longest:
                    if report is not None:
                        self.summary.skip(report, SKIP_DATE if at is None else SKIP_TOO_LONG, rows.line)
                    continue
                if oldest_header:
                    oldest_header = False
                    if report is not None and date.strip()[:4].isdigit():
                        # The oldest header, with the ISO dates LinkedIn wrote under it from 2019.
                        report.layout = report.layout.replace("2018 layout", "2019 layout")
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
        name_list = split_names(names, len(url_list) if url_list else None, self.known_names)
        person = self._known_person
        if not url_list:
            keys = tuple(person(n, "") for n in name_list)
            if len(name_list) > 1:
                self.name_splits[(names, urls)] = tuple(name_list)
        elif len(name_list) == len(url_list):
            keys = tuple(person(n, u) for n, u in zip(name_list, url_list))
        else:
            # Names that cannot be paired with URLs: the URLs alone say who it is (their
            # names come from the rows they write), and hidden members are counted apart.
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

        A row is sponsored when LinkedIn titles it so, or when a sender with a name (not a
        hidden member) has no profile URL in a layout that gives URLs: only companies write
        so. A conversation's rows repeat the same few senders and recipients, and its rows
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
        named = bool(from_name.strip()) and " ".join(from_name.split()) != HIDDEN_MEMBER
        sponsored = not from_url.strip() and (
            title.strip() == SPONSORED_TITLE or (named and self._version != MESSAGE_VERSIONS[0].name)
        )
        sender = self._sender(from_name, from_url, sponsored and named)
        if named:
            self.known_names.add(name_key(from_name))  # a whole name, for cutting TO cells
        recipients = self._recipients(to_names, to_urls)
        key = self._conversation_key(conversation_id, sender, recipients, subject)
        known = self._row_memo[people] = (sponsored, sender, recipients, key)
        return known

    def is_draft(self, fields: tuple, sender: str) -> bool:
        """A draft: marked so where the row fills the draft columns; else a row with an empty
        FOLDER that the owner wrote (from anyone else it is an incoming message)."""
        if fields[11] == "No" and fields[12] == "No":
            return False  # LinkedIn's usual row, answered without looking further
        if _marks_drafts(fields):
            return is_yes(fields[11]) or is_yes(fields[12])
        folder = fields[9]
        return (not folder or folder.isspace()) and self._is_owner(sender)

    def _gather(self, number: int, line: int, fields: tuple, at: datetime) -> str:
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
        if message_draft != "No" or conversation_draft != "No":  # not LinkedIn's usual row: look closer
            draft, marked = self.is_draft(fields, sender), _marks_drafts(fields)
            if not folder and not marked:
                self.unsure_senders[sender] = draft
            if draft:
                thread.drafts += 1
                self._drafts_read += 1
                if marked:
                    self.owner_votes[sender] += 1
                return key
        thread.count += 1
        previous = self._previous_at
        if previous is not None and at != previous:
            if at < previous:
                self.in_time_order = False
            else:
                self.newest_first = False
        self._previous_at = at
        previous = thread.previous_at
        if previous is not None:
            if at == previous:
                thread.ties = True
            elif not thread.direction:
                thread.direction = 1 if at > previous else -1
        thread.previous_at = at
        if title and not thread.title:
            thread.title = title.strip()
        if subject and not thread.subject:
            thread.subject = subject.strip()
        if thread.last_at is None or at >= thread.last_at:
            thread.last_at = at
        box = FOLDER_BOXES.get(folder)
        if box is not None and (thread.box_at is None or at >= thread.box_at):
            thread.box, thread.box_at = box, at
        if sponsored or ("%" in content and has_placeholder(content)):
            thread.sponsored = True
            if sponsored and not thread.sponsor_hint and sender.startswith("c:"):
                thread.sponsor_hint = self.identities[sender].name
        if not thread.html and ("<" in content or "&" in content) and looks_like_html(content):
            thread.html = True
        if not thread.links and "http" in content:
            thread.links = tuple(_LINK.findall(content)[:1])
        if not from_name or from_name.isspace():
            return key
        if is_system_text(content):
            if content.rstrip().rstrip(".").endswith(" left the conversation"):
                thread.left_at[sender] = max(at, thread.left_at.get(sender, at))
            return key
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
        return key

    def _anonymous(self, conversation_key: str) -> str:
        key = "a:" + conversation_key
        if key not in self.identities:
            self.identities[key] = _Identity(HIDDEN_MEMBER, "", "anonymous")
        return key


def _marks_drafts(fields: tuple) -> bool:
    """Whether the row says in its draft columns whether it is a draft (the 2024 layout does;
    older layouts have no such columns, and a file saved again may leave them empty)."""
    return bool(fields[11].strip() or fields[12].strip())


_LINK = re.compile(r"https?://[^\s\"'<>)]+")


def _how_read(rows: CsvRows) -> str:
    """How a file was read, when it is not LinkedIn's usual UTF-8 with commas."""
    parts = []
    if rows.encoding == "utf-16":
        parts.append("UTF-16")
    if rows.delimiter == "\t":
        parts.append("tab-separated")
    return ", ".join(parts)
