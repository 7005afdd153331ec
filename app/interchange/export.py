"""Export the acting member's conversations: JSON, or CSV in LinkedIn's 2024 layout.

The CSV is the 2024 ``messages.csv`` (SPEC §10) so that it can be imported again:
export → ``parley import linkedin`` into an empty store gives the same
conversations, messages, drafts and folders. Conversations that did not come
from LinkedIn get the id ``parley-<id>-<kind>``; the importer reads the kind
back from it, since the CSV columns cannot tell an Open Profile message or a
two-person group apart from a plain conversation.

Both formats are written as they are read, one conversation at a time. JSON writes
every character a terminal would obey as \\uXXXX; CSV guards cells a spreadsheet would run
(``app.interchange.spreadsheet``), and for a terminal also shows control characters as
visible stand-ins, while a file keeps the exact text.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Iterator, TextIO

from app.core.delivery import RECALLED_TEXT
from app.core.errors import BadInput
from app.interchange.linkedin.ids import PARLEY_ID_PREFIX, parley_conversation_id
from app.interchange.linkedin.people import HIDDEN_MEMBER, SPONSORED_TITLE
from app.interchange.spreadsheet import guard
from app.presentation import json_text, printable
from app.store.models import (
    BOX_ARCHIVED,
    BOX_DELETED,
    BOX_SPAM,
    Conversation,
    ConversationState,
    Draft,
    Member,
    Message,
    delivered_to,
    tuples,
)

FORMATS = ("json", "csv")
CSV_HEADER = (
    "CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
    "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "IS MESSAGE DRAFT",
    "IS CONVERSATION DRAFT",
)
LINKEDIN_ID_PREFIX = "li:"
PROFILE_URL = "https://www.linkedin.com/in/{handle}"
BOX_FOLDERS = {BOX_ARCHIVED: "ARCHIVE", BOX_SPAM: "SPAM"}
BOX_NAMES = {BOX_ARCHIVED: "archived", BOX_SPAM: "spam"}


def export(member_id: int | str, fmt: str, out_stream: TextIO, *, visible: bool = False) -> int:
    """Write the member's conversations to ``out_stream``; returns how many were written.

    ``visible``: the stream is a terminal's (standard output), so CSV cells show control characters."""
    if fmt not in FORMATS:
        raise BadInput(f"'{fmt}' is not an export format: choose json or csv.")
    if isinstance(member_id, str) and not member_id.isdigit():
        from app.core.members import member_by_handle

        member_id = member_by_handle(member_id).id
    exporter = _Exporter(int(member_id))
    return exporter.write_json(out_stream) if fmt == "json" else exporter.write_csv(out_stream, visible=visible)


class _GuardedWriter:
    """A csv writer whose every cell is guarded against spreadsheets (and made visible)."""

    def __init__(self, writer, visible: bool) -> None:
        self.writer = writer
        self.cell = (lambda text: guard(printable(text))) if visible else guard

    def writerow(self, row) -> None:
        self.writer.writerow([self.cell(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def _stamp(at: datetime) -> str:
    return at.isoformat(" ") + " UTC"


class _Exporter:
    def __init__(self, member_id: int) -> None:
        self.member_id = member_id
        self.people: dict[int, Member] = {}

    def _person(self, member_id: int | None) -> Member | None:
        """The member, or None for a sender whose account is gone."""
        return None if member_id is None else self._member(member_id)

    def _member(self, member_id: int) -> Member:
        person = self.people.get(member_id)
        if person is None:
            person = self.people[member_id] = Member.get_by_id(member_id)
        return person

    def _url(self, person: Member) -> str:
        if person.kind in ("anonymous", "company"):
            return ""
        return person.profile_url or PROFILE_URL.format(handle=person.handle)

    def _conversations(self) -> Iterator[tuple[Conversation, ConversationState, list[int], list[Message]]]:
        """Each conversation the member can see, with its members and messages, newest first."""
        states = (
            ConversationState.select(ConversationState, Conversation)
            .join(Conversation)
            .where((ConversationState.member == self.member_id) & (ConversationState.box != BOX_DELETED))
            .order_by(Conversation.last_at.desc(), Conversation.id.desc())
        )
        for state in states.iterator():
            conversation = state.conversation
            # By name, so that the same conversation always exports the same way.
            members = [
                row[0] for row in tuples(
                    ConversationState.select(ConversationState.member)
                    .join(Member, on=(ConversationState.member == Member.id))
                    .where(ConversationState.conversation == conversation.id)
                    .order_by(Member.name, Member.handle)
                )
            ]
            messages = list(
                Message.select().where((Message.conversation == conversation.id) & delivered_to(self.member_id))
                .order_by(Message.sent_at, Message.id)
            )
            yield conversation, state, members, messages

    # --- JSON -----------------------------------------------------------------------------

    def write_json(self, out: TextIO) -> int:
        count = 0
        out.write("[")
        for conversation, state, members, messages in self._conversations():
            drafts = Draft.select().where(
                (Draft.member == self.member_id) & (Draft.conversation == conversation.id)
            ).order_by(Draft.id)
            item = {
                "id": conversation.id,
                "external_id": conversation.external_id,
                "kind": conversation.kind,
                "title": conversation.title,
                "subject": conversation.subject,
                "folder": state.folder,
                "box": BOX_NAMES.get(state.box, "inbox"),
                "archived": state.archived,
                "spam": state.spam,
                "starred": state.starred,
                "muted": state.muted,
                "unread": state.unread,
                "last_at": conversation.last_at.isoformat() + "Z",
                "members": [self._member_json(self._member(m)) for m in members],
                "messages": [self._message_json(m) for m in messages],
                "drafts": [
                    {"subject": d.subject, "body": d.body, "to": d.to_handles.split(",") if d.to_handles else [],
                     "updated_at": d.updated_at.isoformat() + "Z"}
                    for d in drafts
                ],
            }
            out.write(("\n" if count == 0 else ",\n") + json_text(item))
            count += 1
        out.write("\n]\n")
        return count

    def _member_json(self, person: Member) -> dict:
        return {"handle": person.handle, "name": person.name, "kind": person.kind,
                "company": person.company, "headline": person.headline, "profile_url": person.profile_url}

    def _message_json(self, message: Message) -> dict:
        sender = self._person(message.sender_id)
        return {
            "id": message.id,
            "sender": sender.handle if sender else None,
            "sender_name": sender.name if sender else "",
            "at": message.sent_at.isoformat() + "Z",
            "kind": message.kind,
            "subject": message.subject,
            "body": RECALLED_TEXT if message.recalled_at else message.body,
            "recalled": message.recalled_at is not None,
        }

    # --- CSV in LinkedIn's 2024 layout ----------------------------------------------------

    def write_csv(self, out: TextIO, *, visible: bool = False) -> int:
        writer = _GuardedWriter(csv.writer(out, lineterminator="\r\n"), visible)
        writer.writerow(CSV_HEADER)
        count = 0
        for conversation, state, members, messages in self._conversations():
            writer.writerows(self._conversation_rows(conversation, state, members, messages))
            count += 1
        self._write_drafts(writer)
        return count

    def _conversation_id(self, conversation: Conversation) -> str:
        external = conversation.external_id or ""
        if external.startswith(LINKEDIN_ID_PREFIX):
            return external[len(LINKEDIN_ID_PREFIX):]
        return parley_conversation_id(conversation.id, conversation.kind)

    def _title(self, conversation: Conversation) -> str:
        # The columns LinkedIn uses to mark a kind: InMail's title is its subject.
        if conversation.kind == "inmail":
            return conversation.subject
        if conversation.kind == "sponsored":
            return SPONSORED_TITLE
        if conversation.kind == "group":
            return conversation.title
        return ""

    def _names_and_urls(self, member_ids: list[int]) -> tuple[str, str]:
        people = [self._member(m) for m in member_ids]
        names = ",".join(HIDDEN_MEMBER if p.kind == "anonymous" else p.name for p in people)
        urls = ",".join(self._url(p) for p in people)
        return names, urls

    def _conversation_rows(self, conversation: Conversation, state: ConversationState,
                           members: list[int], messages: list[Message]) -> Iterator[list[str]]:
        conversation_id = self._conversation_id(conversation)
        title = self._title(conversation)
        folder = BOX_FOLDERS.get(state.box, "INBOX")
        for message in messages:
            sender = self._person(message.sender_id)
            if sender is None:
                from_name = from_url = ""
                recipients = [m for m in members if m != self.member_id]
            else:
                from_name = HIDDEN_MEMBER if sender.kind == "anonymous" else sender.name
                from_url = self._url(sender)
                recipients = [m for m in members if m != sender.id]
            to_names, to_urls = self._names_and_urls(recipients)
            body = RECALLED_TEXT if message.recalled_at else message.body
            yield [conversation_id, title, from_name, from_url, to_names, to_urls, _stamp(message.sent_at),
                   message.subject, body, folder, "No", "No"]

    def _write_drafts(self, writer) -> None:
        me = self._member(self.member_id)
        drafts = Draft.select().where(Draft.member == self.member_id).order_by(Draft.id)
        for draft in drafts.iterator():
            if draft.conversation_id is not None:
                conversation = Conversation.get_or_none(Conversation.id == draft.conversation_id)
                if conversation is None:
                    continue
                conversation_id, title, standalone = (
                    self._conversation_id(conversation), self._title(conversation), "No"
                )
            else:
                conversation_id, title, standalone = f"{PARLEY_ID_PREFIX}draft-{draft.id}", "", "Yes"
            handles = [h for h in draft.to_handles.split(",") if h.strip()]
            recipients = [m.id for m in Member.select(Member.id).where(Member.handle.in_(handles))] if handles else []
            to_names, to_urls = self._names_and_urls(recipients)
            writer.writerow([conversation_id, title, me.name, self._url(me), to_names, to_urls,
                             _stamp(draft.updated_at), draft.subject, draft.body, "", "Yes", standalone])
