"""Where a message lands for each member, and what they see of it (SPEC §2, §3, §5).

Pure rules over plain values, no store access: sending (core.messaging), the
LinkedIn import and the benchmark builder all ask these, and differ only in how
they write the rows (one at a time, or in bulk).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from app.core.plans import LIMITS
from app.store.models import box_for

FOCUSED, OTHER = "focused", "other"
RECALLED_TEXT = "This message was deleted."
UNKNOWN_SENDER = "LinkedIn Member"
# The folder a message lands in for its recipient, by the route it came by (SPEC §2, §6).
ROUTE_FOLDERS = {"message": FOCUSED, "inmail": FOCUSED, "open-profile": OTHER, "sponsored": OTHER}
# A response to an InMail: a reply, or a quick reply (SPEC §3).
RESPONSES = ("replied", "accepted", "declined")
LINK = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)


# ---- what a message is -----------------------------------------------------------------------


def body_hash(body: str) -> str:
    """The same text ignoring case and all white space hashes the same (the bulk-outreach rule)."""
    folded = "".join(body.casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def is_blank(text: str | None) -> bool:
    """Nothing anyone could see: only white space, zero-width and other format characters,
    control characters or separators."""
    return not text or all(
        char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp") for char in text
    )


def has_links(body: str) -> bool:
    return LINK.search(body) is not None


# ---- previews ---------------------------------------------------------------------------------


def preview_of(body: str) -> str:
    """The conversation's stored preview of its latest message."""
    return " ".join(body.split())[: LIMITS.preview_stored]


def one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= LIMITS.preview_shown else line[: LIMITS.preview_shown - 1].rstrip() + "…"


def shown_preview(
    stored: str,
    body: str | None,
    kind: str | None,
    recalled: bool,
    sender_name: str | None,
    *,
    from_viewer: bool = False,
) -> str:
    """The list row's line for the latest message: "InMail from Jane Smith: Hi…" for InMail."""
    if body is None:
        return one_line(stored)
    if recalled:
        return RECALLED_TEXT
    if kind == "inmail":
        if from_viewer:
            return one_line(f"Your InMail: {body}")
        return one_line(f"InMail from {sender_name or UNKNOWN_SENDER}: {body}")
    return one_line(body)


# ---- group titles ----------------------------------------------------------------------------------

GROUP_NAME_SEPARATOR = ", "
TITLE_LENGTH = 300


def group_title(names: Iterable[str]) -> str:
    """A group named by its members: their names in order, joined, cut to a title's length."""
    return GROUP_NAME_SEPARATOR.join(names)[:TITLE_LENGTH]


def title_without(title: str, name: str | None) -> str:
    """A group's title of names without one whole name in it (the viewer's own).

    A name may hold the separator itself ("Ben Okafor, MBA"), so the name is looked for as
    a run of whole parts, never as the parts one by one.
    """
    if not name:
        return title
    parts = title.split(GROUP_NAME_SEPARATOR)
    width = len(name.split(GROUP_NAME_SEPARATOR))
    for start in range(len(parts) - width + 1):
        if GROUP_NAME_SEPARATOR.join(parts[start:start + width]) == name:
            return GROUP_NAME_SEPARATOR.join(parts[:start] + parts[start + width:])
    return title


# ---- folders and boxes -----------------------------------------------------------------------


def folder_for(route: str) -> str:
    """Sponsored and Open Profile messages land in Other; everything else in Focused."""
    return ROUTE_FOLDERS.get(route, FOCUSED)


def route_of_arrival(kind: str, *, answered: bool) -> str:
    """The route by which the latest message from others came to a member, for a conversation
    loaded rather than sent: an Open Profile conversation stays one until the member has written
    in it (after that, §2 rule 3 makes it a plain message)."""
    if kind == "sponsored":
        return "sponsored"
    if kind == "open_profile" and not answered:
        return "open-profile"
    if kind == "inmail":
        return "inmail"
    return "message"


@dataclass(frozen=True)
class View:
    """One member's view of one conversation: the flags that put it in a box and folder."""

    folder: str = FOCUSED
    unread: int = 0
    has_unread: bool = False
    archived: bool = False
    spam: bool = False
    deleted: bool = False

    @property
    def box(self) -> int:
        return box_for(deleted=self.deleted, spam=self.spam, archived=self.archived)


def opened(route: str) -> View:
    """A member's view of a conversation that starts with a message to them by ``route``."""
    return View(folder=folder_for(route))


def arrive(view: View, route: str | None, *, spam: bool = False) -> View:
    """A new message for a member who did not write it: unread once more, back from Archived and
    deleted, in the folder its route lands in (a group's message keeps the folder); spam stays spam."""
    return replace(
        view,
        folder=folder_for(route) if route else view.folder,
        unread=view.unread + 1,
        has_unread=True,
        archived=False,
        deleted=False,
        spam=view.spam or spam,
    )


def unread_after(arrived: int, *, reminded: bool = False) -> int:
    """Unread count of a member who has not read the last ``arrived`` messages from others; a
    pending InMail's reminder counts once more (SPEC §3)."""
    return arrived + (1 if reminded else 0)


# ---- InMail over time --------------------------------------------------------------------------


def reminder_at(sent_at: datetime) -> datetime:
    return sent_at + LIMITS.reminder_after


def expires_at(sent_at: datetime) -> datetime:
    return sent_at + LIMITS.inmail_expiry


def inmail_status(sent_at: datetime, responded_at: datetime | None, now: datetime, response: str = "replied") -> str:
    """Pending until a response; expired once the expiry window has passed without one."""
    if responded_at is not None:
        return response
    return "expired" if now >= expires_at(sent_at) else "pending"


def reminded_at(sent_at: datetime, responded_at: datetime | None, now: datetime) -> datetime | None:
    """When the recipient was reminded: the reminder goes out if the InMail is still pending at
    its time (and, from a loaded row, that time has come)."""
    due = reminder_at(sent_at)
    if due > now or (responded_at is not None and responded_at <= due):
        return None
    return due


def name_parts(name: str) -> tuple[str, str]:
    """A display name's first and last names: what follows a comma is credentials
    ("Ben Okafor, MBA"), and a one-word name has no last name."""
    words = name.split(",", 1)[0].split()
    if not words:
        return name.strip(), ""
    return words[0], " ".join(words[1:])
