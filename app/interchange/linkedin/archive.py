"""The files of a LinkedIn export, from a .zip, an unpacked folder or a single CSV."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable

from app.interchange.linkedin.csv_versions import ArchiveError, CsvRows, message_version, read_header

MESSAGE_FILES = ("messages.csv", "inbox.csv")
CONNECTIONS_FILE = "connections.csv"
PROFILE_FILE = "profile.csv"
INVITATIONS_FILE = "invitations.csv"
KNOWN_FILES = MESSAGE_FILES + (CONNECTIONS_FILE, PROFILE_FILE, INVITATIONS_FILE)
NO_MESSAGES = "this holds no messages.csv (nor Inbox.csv); is it a LinkedIn data export?"


def why_not_imported(name: str) -> str:
    """Why a messages file other than messages.csv is left out, in the user's words."""
    lowered = name.lower()
    if lowered.startswith("coach"):
        return "it holds chats with LinkedIn's career coach, not messages between members"
    if lowered.startswith("learning"):
        return "it holds LinkedIn Learning's coach chats, not messages between members"
    return "it is not LinkedIn's messages between members"
# A file in a .zip is refused before it is expanded when it would be larger than this, or
# shrank more than CSV text does: a few hundred kilobytes must not become gigabytes.
ZIP_MEMBER_MAX = 2 * 1024**3
ZIP_RATIO_MAX = 100
ZIP_RATIO_FROM = 1024**2  # small files may shrink as much as they like


@dataclass(frozen=True)
class ExportFile:
    name: str  # as shown in messages: the file's own name
    size: int
    open: Callable[[], IO[bytes]]


class LinkedInExport:
    """Finds the known CSV files by name (any case, at the top or one folder down)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._zip: zipfile.ZipFile | None = None
        self.files: dict[str, list[ExportFile]] = {}
        self.links: list[str] = []  # symbolic links in a folder: never followed, reported
        self.not_imported: list[tuple[str, str]] = []  # other *messages.csv files, and why
        if not self.path.exists():
            raise ArchiveError(str(path), "there is no file or folder there.")
        if self.path.is_dir():
            self._scan_folder()
        elif self.path.suffix.lower() == ".csv":
            self._add_single_csv()
        else:
            self._scan_zip()
        if not self.messages():
            # Nothing is written from an export without its messages: connections alone are
            # more likely a wrong path than an import meant.
            raise ArchiveError(str(path), NO_MESSAGES)

    def _add(self, name: str, size: int, opener: Callable[[], IO[bytes]]) -> None:
        key = name.lower()
        if key in KNOWN_FILES:
            self.files.setdefault(key, []).append(ExportFile(name, size, opener))
        elif key.endswith("messages.csv"):
            self.not_imported.append((name, why_not_imported(name)))

    def _scan_folder(self) -> None:
        top = sorted(self.path.iterdir())
        candidates = top + sorted(
            child for sub in top if sub.is_dir() and not sub.is_symlink() for child in sub.iterdir()
        )
        for file in candidates:
            if file.is_symlink():
                self.links.append(str(file.relative_to(self.path)))
            elif file.is_file():
                self._add(file.name, file.stat().st_size, _file_opener(file))

    def _add_single_csv(self) -> None:
        """A CSV given alone is a messages file unless its name says it is another file of the export."""
        name = self.path.name
        key = name.lower()
        if key not in MESSAGE_FILES and (key in KNOWN_FILES or not _reads_as_messages(self.path)):
            raise ArchiveError(name, NO_MESSAGES)
        self.files[MESSAGE_FILES[0]] = [ExportFile(name, self.path.stat().st_size, lambda: open(self.path, "rb"))]

    def _scan_zip(self) -> None:
        try:
            self._zip = archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError):
            raise ArchiveError(
                self.path.name, "this is neither a .zip file nor a folder of a LinkedIn export."
            ) from None
        for info in sorted(self._zip.infolist(), key=lambda i: i.filename):
            parts = [p for p in info.filename.split("/") if p]
            if info.is_dir() or not parts or len(parts) > 2:
                continue
            if parts[-1].lower() not in KNOWN_FILES:
                self._add(parts[-1], info.file_size, _member_opener(archive, info))
                continue
            _check_expansion(self.path.name, parts[-1], info)
            self._add(parts[-1], info.file_size, _member_opener(archive, info))

    def get(self, key: str) -> list[ExportFile]:
        return self.files.get(key, [])

    def messages(self) -> list[ExportFile]:
        return [f for key in MESSAGE_FILES for f in self.get(key)]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _reads_as_messages(path: Path) -> bool:
    """Whether a CSV's header is one of a messages file's layouts."""
    rows = CsvRows(open(path, "rb"), path.name)
    try:
        message_version(read_header(iter(rows), rows), path.name)
    except ArchiveError:
        return False
    finally:
        rows.close()
    return True


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    """Opens a file of a folder export, refusing one that became a link since it was listed."""
    return lambda: os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")


def _member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(info)


def _check_expansion(archive: str, name: str, info: zipfile.ZipInfo) -> None:
    too_large = info.file_size > ZIP_MEMBER_MAX
    bomb = info.file_size > ZIP_RATIO_FROM and info.file_size > ZIP_RATIO_MAX * max(info.compress_size, 1)
    if too_large or bomb:
        raise ArchiveError(archive, f"{name} would expand to {info.file_size:,} bytes from "
                                    f"{info.compress_size:,}; it is refused unexpanded.")
