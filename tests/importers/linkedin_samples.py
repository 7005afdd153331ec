"""Sample LinkedIn exports: folders and .zip files of CSV text, and their builders.

Every person here is made up. Fixture texts are written out literally, the way
LinkedIn writes them (CRLF line ends, quoted fields with commas, quotes and
newlines), so the tests read like the files they stand for.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from app.store.models import (
    Connection,
    Conversation,
    ConversationState,
    Draft,
    InMail,
    Member,
    Message,
)

HEADER_2024 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
    "SUBJECT,CONTENT,FOLDER,IS MESSAGE DRAFT,IS CONVERSATION DRAFT"
)
HEADER_2023 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
    "SUBJECT,CONTENT,FOLDER"
)
HEADER_2021 = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER"
HEADER_2019 = "FROM,TO,DATE,SUBJECT,CONTENT,DIRECTION,FOLDER"
HEADER_2018 = "From,To,Date,Subject,Content,Direction,Folder"

PROFILE_CSV = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    "Geo Location,Twitter Handles,Websites,Instant Messengers\r\n"
    'Robin,Vale,,,,"Product lead, payments","Builds payment systems.\nLikes night trains.",'
    'Software,,"Lisbon, Portugal",,,\r\n'
)

CONNECTIONS_CSV = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ana,Silva,https://www.linkedin.com/in/ana-silva-01,,Fjord Labs,Engineer,16 Dec 2024\r\n"
    'Ben,Okafor,https://www.linkedin.com/in/ben-okafor,ben@example.com,"Acme, Inc.",CTO,03 Jan 2023\r\n'
    "Chidi,Nwosu,https://www.linkedin.com/in/chidi-nwosu,,Tern Bikes,Designer,01 Feb 2022\r\n"
    ",,,,,,05 Mar 2021\r\n"
)

CONNECTIONS_OLD_CSV = (
    "Notes:\r\n"
    '"Some email addresses may be missing."\r\n'
    "\r\n"
    "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
    "Ana,Silva,,Fjord Labs,Engineer,16 Dec 2019\r\n"
)

ANA = "https://www.linkedin.com/in/ana-silva-01"
BEN = "https://www.linkedin.com/in/ben-okafor"
CHIDI = "https://www.linkedin.com/in/chidi-nwosu"
DANA = "https://www.linkedin.com/in/dana-kowalczyk"
ELI = "https://www.linkedin.com/in/eli-fischer-7b"
ROBIN = "https://www.linkedin.com/in/robin-vale"


def csv_text(header: str, rows: list[list[str]], *, bom: bool = False) -> str:
    """A CSV file as LinkedIn writes it: CRLF, fields quoted only where needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" if bom else "") + header + "\r\n" + out.getvalue()


def messages_2024(rows: list[list[str]] | None = None, *, bom: bool = True) -> str:
    return csv_text(HEADER_2024, MESSAGES_2024 if rows is None else rows, bom=bom)


# The 2024 export of Robin Vale, one conversation for every case of SPEC §10.
MESSAGES_2024 = [
    # A 1:1 with a connection: a comma, doubled quotes and a newline inside fields.
    ["2-YW5h", "", "Ana Silva", ANA, "Robin Vale", ROBIN, "2024-03-05 14:22:01 UTC", "",
     "Hi Robin, lunch on Friday?", "INBOX", "No", "No"],
    ["2-YW5h", "", "Robin Vale", ROBIN, "Ana Silva", ANA, "2024-03-05 15:01:40 UTC", "",
     'Sure, "the usual" place?\nSee you at noon.', "INBOX", "No", "No"],
    # A draft reply in that conversation: empty FOLDER.
    ["2-YW5h", "", "Robin Vale", ROBIN, "Ana Silva", ANA, "2024-03-06 09:00:00 UTC", "",
     "Running ten minutes late", "", "Yes", "No"],
    # InMail from a recruiter who is not a connection; Robin answers.
    ["2-aW5t", "Senior role at Fjord", "Eli Fischer", ELI, "Robin Vale", ROBIN,
     "2024-02-01 10:00:00 UTC", "Senior role at Fjord",
     "Hello Robin, I have a role that fits your payments work.", "INBOX", "No", "No"],
    ["2-aW5t", "Senior role at Fjord", "Robin Vale", ROBIN, "Eli Fischer", ELI,
     "2024-02-02 08:30:00 UTC", "", "Thanks Eli, tell me more.", "INBOX", "No", "No"],
    # A group: comma-separated recipients, then semicolon-separated; a system line.
    ["2-Z3Jw", "Offsite planning", "Ben Okafor", BEN, "Robin Vale,Ana Silva,Chidi Nwosu",
     f"{ROBIN},{ANA},{CHIDI}", "2024-01-10 09:00:00 UTC", "", "Offsite in Porto, May 3?", "ARCHIVE",
     "No", "No"],
    ["2-Z3Jw", "Offsite planning", "Ana Silva", ANA, "Robin Vale;Ben Okafor;Chidi Nwosu",
     f"{ROBIN};{BEN};{CHIDI}", "2024-01-10 09:30:00 UTC", "", "Works for me.", "ARCHIVE", "No", "No"],
    ["2-Z3Jw", "Offsite planning", "Chidi Nwosu", CHIDI, "Robin Vale,Ana Silva,Ben Okafor",
     f"{ROBIN},{ANA},{BEN}", "2024-01-11 10:00:00 UTC", "", "Chidi Nwosu left the conversation.",
     "ARCHIVE", "No", "No"],
    # Sponsored: no sender URL, HTML content, LinkedIn's title.
    ["2-c3Bv", "Sponsored Conversation", "Northwind Cloud", "", "Robin Vale", ROBIN,
     "2024-03-01 12:00:00 UTC", "Save on hosting",
     "<p>Hi %FIRSTNAME%,</p><p>Try <b>Northwind</b> &amp; save 20&#37; this month.</p>",
     "INBOX", "No", "No"],
    # A hidden member, archived.
    ["2-aGlk", "", "LinkedIn Member", "", "Robin Vale", ROBIN, "2023-11-20 18:45:00 UTC", "",
     "Saw your talk in Berlin.", "ARCHIVE", "No", "No"],
    ["2-aGlk", "", "Robin Vale", ROBIN, "LinkedIn Member", "", "2023-11-21 08:00:00 UTC", "",
     "Thank you!", "ARCHIVE", "No", "No"],
    # Spam, with a system line before it.
    ["2-c3Bt", "", "Dana Kowalczyk", DANA, "Robin Vale", ROBIN, "2024-03-02 07:00:00 UTC", "",
     "Message request accepted", "SPAM", "No", "No"],
    ["2-c3Bt", "", "Dana Kowalczyk", DANA, "Robin Vale", ROBIN, "2024-03-02 07:00:05 UTC", "",
     "Crypto returns guaranteed: https://example.com/x", "SPAM", "No", "No"],
    # A conversation that was never sent.
    ["2-ZHJm", "", "Robin Vale", ROBIN, "Chidi Nwosu", CHIDI, "2024-03-07 11:00:00 UTC", "Bikes",
     "Chidi, about the cargo bike...", "", "Yes", "Yes"],
]


class Export:
    """A LinkedIn export under construction: files by name, written as a folder or zip."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, str | bytes] = {}

    def add(self, name: str, text: str | bytes) -> "Export":
        self.files[name] = text
        return self

    def folder(self, name: str = "export") -> Path:
        target = self.root / name
        target.mkdir(parents=True, exist_ok=True)
        for file, text in self.files.items():
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            (target / file).write_bytes(data)
        return target

    def zip(self, name: str = "Basic_LinkedInDataExport.zip") -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / name
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for file, text in self.files.items():
                archive.writestr(file, text if isinstance(text, bytes) else text.encode("utf-8"))
        return target


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.select().count()
        for model in (Member, Connection, Conversation, ConversationState, Message, Draft, InMail)
    }
