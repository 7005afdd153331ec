"""The CSV files of a LinkedIn data export, in every header version seen (SPEC §10).

Files are read row by row (never whole), and every problem becomes an
``ArchiveError`` whose sentence names the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import io
import itertools
import operator
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Callable, Iterable, Iterator

from app.core.errors import BadInput
from app.interchange.spreadsheet import GUARD, unguard

# LinkedIn quotes long CONTENT fields, more than the default 128 KiB; a field longer than
# this is no message (a message holds at most 28,000 characters) and stops the reading.
FIELD_MAX = 4 * 1024**2
csv.field_size_limit(FIELD_MAX)


class ArchiveError(BadInput):
    """A LinkedIn export that cannot be imported; nothing was written."""

    def __init__(self, file: str, problem: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        where = f"{file} line {line}" if line else file
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):
        # Made again from its parts when it crosses from the import's second process.
        return type(self), (self.file, self.problem, self.line)


# The columns every messages.csv version carries, in our own names.
MESSAGE_FIELDS = (
    "conversation_id",
    "title",
    "from_name",
    "from_url",
    "to_names",
    "to_urls",
    "date",
    "subject",
    "content",
    "folder",
    "direction",
    "message_draft",
    "conversation_draft",
)

_MESSAGE_COLUMNS = {
    "conversation id": "conversation_id",
    "conversation title": "title",
    "from": "from_name",
    "sender profile url": "from_url",
    "to": "to_names",
    "recipient profile urls": "to_urls",
    "date": "date",
    "subject": "subject",
    "content": "content",
    "folder": "folder",
    "direction": "direction",
    "is message draft": "message_draft",
    "is conversation draft": "conversation_draft",
}


@dataclass(frozen=True)
class HeaderVersion:
    name: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()


# Oldest first; a header is matched on its column names, ignoring case and order.
MESSAGE_VERSIONS = (
    HeaderVersion("2018", ("from", "to", "date", "subject", "content", "direction", "folder")),
    HeaderVersion(
        "2021",
        ("conversation id", "conversation title", "from", "sender profile url", "to", "date",
         "subject", "content", "folder"),
        optional=("attachments",),
    ),
    HeaderVersion(
        "2023",
        ("conversation id", "conversation title", "from", "sender profile url", "to",
         "recipient profile urls", "date", "subject", "content", "folder"),
        optional=("attachments",),
    ),
    HeaderVersion(
        "2024",
        ("conversation id", "conversation title", "from", "sender profile url", "to",
         "recipient profile urls", "date", "subject", "content", "folder", "is message draft",
         "is conversation draft"),
        optional=("attachments",),
    ),
)

CONNECTION_COLUMNS = ("first name", "last name", "email address", "company", "position",
                      "connected on")
CONNECTION_OPTIONAL = ("url",)
PROFILE_COLUMNS = ("first name", "last name", "headline")
INVITATION_COLUMNS = ("from", "to", "sent at", "direction")
INVITATION_OPTIONAL = ("message", "inviterprofileurl", "inviteeprofileurl")


def _clean(header: list[str]) -> list[str]:
    return [name.strip().lower() for name in header]


def _describe_header(header: list[str]) -> str:
    shown = ", ".join(name.strip() for name in header)
    return shown if len(shown) <= 200 else shown[:199] + "…"


def _matches(header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
    names = set(header)
    return len(names) == len(header) and set(required) <= names <= set(required) | set(optional)


def message_version(header: list[str], file: str) -> HeaderVersion:
    cleaned = _clean(header)
    for version in reversed(MESSAGE_VERSIONS):
        if _matches(cleaned, version.columns, version.optional):
            return version
    raise ArchiveError(file, f"the header is not one Parley knows: {_describe_header(header)}.")


def message_extractor(header: list[str]) -> Callable[[list[str]], tuple]:
    """A function from a row (padded with one empty cell) to MESSAGE_FIELDS order, each cell
    without the spreadsheet guard that Parley's own export puts before a formula."""
    cleaned = _clean(header)
    missing = len(cleaned)  # the padding cell
    position = {_MESSAGE_COLUMNS[name]: i for i, name in enumerate(cleaned) if name in _MESSAGE_COLUMNS}
    pick = operator.itemgetter(*(position.get(field, missing) for field in MESSAGE_FIELDS))

    def extract(row: list[str]) -> tuple:
        fields = pick(row)
        if any(cell[:1] == GUARD for cell in fields):
            return tuple(map(unguard, fields))
        return fields

    return extract


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SNIFF_LINES = 10  # lines looked at for the separator: a Connections.csv preamble comes first


def _encoding(raw: IO[bytes]) -> str:
    """UTF-16 when the file starts with its byte-order mark, else UTF-8 (with or without one)."""
    peek = getattr(raw, "peek", None)
    start = peek(2)[:2] if peek is not None else b""
    return "utf-16" if start in _UTF16_BOMS else "utf-8-sig"


def _separator(text: Iterable[str], seen: list[str] | None = None) -> str:
    """A tab when one of the first lines holds tabs between fields, else a comma; ``seen``
    keeps the lines read."""
    for number, line in enumerate(text, 1):
        if seen is not None:
            seen.append(line)
        if line.count("\t") >= 2:
            return "\t"
        if number >= SNIFF_LINES:
            break
    return ","


class CsvRows:
    """Rows of one CSV file with the line each starts on, decoding errors as sentences.

    The file may be UTF-8 (with or without a byte-order mark) or UTF-16 with one, and
    separated by commas or by tabs (as spreadsheets save "Unicode text").
    """

    def __init__(self, raw: IO[bytes], file: str, reopen: Callable[[], IO[bytes]] | None = None) -> None:
        self.file = file
        self._raw = raw
        self._reopen = reopen
        self.encoding = _encoding(raw)
        self._text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
        self._reader: Iterator[list[str]] | None = None
        self._line_num: Callable[[], int] = lambda: 0
        self.delimiter = ","
        self.line = 0  # the line the last row returned starts on

    def _start(self) -> Iterator[list[str]]:
        """The reader, its separator chosen from the first lines: read from a second opening of
        the file where there is one (the rows then come straight from the file), else read
        here and given to the reader again."""
        if self._reopen is not None:
            with self._reopen() as raw, io.TextIOWrapper(raw, encoding=self.encoding, newline="") as text:
                self.delimiter = _separator(text)
            lines: Iterable[str] = self._text
        else:
            first: list[str] = []
            self.delimiter = _separator(self._text, first)
            lines = itertools.chain(first, self._text)
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        self._line_num = lambda: reader.line_num
        return reader

    def position(self) -> int:
        """Bytes read from the file so far (for progress)."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def __iter__(self) -> Iterator[list[str]]:
        try:
            reader = self._reader = self._reader or self._start()
        except UnicodeDecodeError:
            raise ArchiveError(self.file, self._not_text(), self._undecodable_line()) from None
        while True:
            start = self._line_num() + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise ArchiveError(self.file, f"a field is longer than {FIELD_MAX:,} characters.", start) from None
                if "unexpected end of data" in str(exc):
                    raise ArchiveError(self.file, "the file ends inside a quoted field.", start) from None
                raise ArchiveError(self.file, f"the quoting is broken ({exc}).", start) from None
            except UnicodeDecodeError:
                raise ArchiveError(self.file, self._not_text(), self._undecodable_line()) from None
            except (zipfile.BadZipFile, EOFError):
                raise ArchiveError(self.file, "the file is damaged inside the .zip.", start) from None
            self.line = start
            yield row

    def _not_text(self) -> str:
        return "the file is not UTF-16 text." if self.encoding == "utf-16" else "the file is not UTF-8 text."

    def _undecodable_line(self) -> int | None:
        """The first line that is not UTF-8 (text is decoded ahead in blocks, so look again)."""
        if self._reopen is None or self.encoding == "utf-16":
            return None
        with self._reopen() as raw:
            for number, line in enumerate(raw, 1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return number
        return None

    def close(self) -> None:
        self._text.close()


def read_header(rows: Iterator[list[str]], csv_rows: CsvRows, *, first_column: str | None = None) -> list[str]:
    """The header row; with ``first_column``, skip a preamble until a row starting with it."""
    for row in rows:
        if first_column is None:
            if not any(cell.strip() for cell in row):
                continue
            return row
        if row and row[0].strip().lower() == first_column:
            return row
    if first_column is None:
        raise ArchiveError(csv_rows.file, "the file is empty.")
    raise ArchiveError(csv_rows.file, f"there is no header starting with '{first_column.title()}'.")


def column_indices(header: list[str], required: tuple[str, ...], optional: tuple[str, ...],
                   file: str) -> dict[str, int]:
    cleaned = _clean(header)
    if not set(required) <= set(cleaned):
        raise ArchiveError(file, f"the header is not one Parley knows: {_describe_header(header)}.")
    wanted = set(required) | set(optional)
    return {name: i for i, name in enumerate(cleaned) if name in wanted}


# --- values -------------------------------------------------------------------------------

_CLOCK_FORMATS = (
    "%m/%d/%y, %I:%M %p",  # 2018: 10/16/18, 8:36 AM
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y, %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%y",
)
# As LinkedIn writes a day (16 Dec 2024), and as a spreadsheet saves it again (16-Dec-24, 2024/12/16).
_DAY_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %y",
                "%d-%B-%Y", "%b %d %Y", "%Y/%m/%d", "%d.%m.%Y", "%d.%m.%y")


def parse_date(text: str) -> datetime | None:
    """A LinkedIn DATE as a naive UTC datetime; None when it is not a date."""
    value = text.strip()
    # The common case first: "2024-03-05 14:22:01 UTC", parsed without strptime.
    if len(value) == 23 and value.endswith(" UTC"):
        try:
            return datetime.fromisoformat(value[:19])
        except ValueError:
            return None
    if value.endswith(" UTC"):
        value = value[:-4].rstrip()
    if value[:4].isdigit() and value[4:5] == "-":
        if value.endswith(("Z", "z")):
            value = value[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        return parsed
    for fmt in _CLOCK_FORMATS + _DAY_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


_YES = {"yes", "true", "1", "y"}


def is_yes(text: str) -> bool:
    # Most cells are "No" or empty: answer those without building new strings.
    if not text or text == "No":
        return False
    return text.strip().lower() in _YES
