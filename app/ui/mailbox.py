"""The acting member's mailbox: everything the screens ask of the core, in one place.

The app owns one `Mailbox` and hands it down to its screens and widgets; they
never import the core's modules themselves. Every method returns plain views
(app/core/views.py), never rows of the store, and most of them touch the store:
call them from a thread worker (`RunsWork.in_thread`), not from the UI thread.

The core loads on first use, inside those workers, so the first page of the
inbox is painted as soon as Textual itself is ready.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.views import (
    DRAFTS,
    BlockedMember,
    ConversationRow,
    Counts,
    CreditsView,
    DraftView,
    InvitationView,
    MemberView,
    MessageView,
    ProfileFacts,
    RouteDecision,
    SendResult,
    TemplateView,
    ThreadView,
)

if TYPE_CHECKING:
    from app.core.presence import Presence
    from app.core.team import AuditView
    from app.core.typing_indicator import Typing
    from app.store.backend import Signals
    from app.store.live import ChangeWatcher

def _searched(filter_name: str) -> str:
    """The filter a search looks through: Drafts holds no conversations, so All."""
    return "all" if filter_name == DRAFTS else filter_name


def failure_sentence(exc: BaseException) -> str | None:
    """What a failure of the core says to the user, on one line; None when it is a bug.

    A user's mistake or a refusal is the core's own sentence; a store that is busy,
    full, damaged, read-only, gone or unreachable is said as the command line says it,
    and the app keeps running.
    """
    from peewee import PeeweeException

    from app.core.errors import ParleyError
    from app.store.errors import BUSY, StoreError, is_busy, store_error

    if isinstance(exc, (ParleyError, StoreError)):
        return " ".join(str(exc).split())
    # The change feed reads SQLite on a connection of its own, outside Peewee.
    if isinstance(exc, (PeeweeException, sqlite3.Error)):
        known = store_error(exc, "The store")
        if known is not None:
            return str(known)
        detail = " ".join(str(exc).split()).rstrip(".")
        if not detail or is_busy(exc):
            return BUSY
        return f"The store failed: {detail}."
    return None


class Mailbox:
    """One member's view of the store: inbox, threads, sending, triage, settings, credits.

    ``member`` is whose inbox it is; ``author`` who is at the keyboard, the same member
    unless they work in someone else's inbox.
    """

    def __init__(self, member: MemberView, author: MemberView | None = None) -> None:
        self.member = member
        self.author = author if author is not None else member

    @classmethod
    def acting(cls, handle: str) -> Mailbox | None:
        """The mailbox of the member with this handle; None for an empty store (nobody to act
        as yet); NotFound when the store has members but not this one."""
        from app.core import members
        from app.core.errors import NotFound

        try:
            return cls(members.member_view(members.member_by_handle(handle)))
        except NotFound:
            if not members.list_members():
                return None
            raise

    @property
    def member_id(self) -> int:
        return self.member.id

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def delegate_id(self) -> int | None:
        """The author the core is told of: None in one's own inbox, else the delegate at the keyboard."""
        return None if self.author_id == self.member_id else self.author_id

    # ------------------------------------------------------------------ the inbox

    def counts(self) -> Counts:
        from app.core import drafts

        return drafts.counts(self.member_id, self.delegate_id)

    # Drafts is a list of its own; a search from it looks through every conversation.
    def page(self, filter_name: str, query: str | None, *, after: Any = None, limit: int) -> list[ConversationRow]:
        from app.core import drafts, inbox

        if filter_name == DRAFTS and query is None:
            return drafts.page(self.member_id, after=after, limit=limit)
        return inbox.page(self.member_id, _searched(filter_name), query=query, after=after, limit=limit,
                          author_id=self.delegate_id)

    def page_before(self, filter_name: str, query: str | None, *, before: Any, limit: int) -> list[ConversationRow]:
        from app.core import drafts, inbox

        if filter_name == DRAFTS and query is None:
            return drafts.page_before(self.member_id, before=before, limit=limit)
        return inbox.page_before(self.member_id, _searched(filter_name), query=query, before=before, limit=limit,
                                 author_id=self.delegate_id)

    def last_page(self, filter_name: str, query: str | None, *, limit: int) -> list[ConversationRow]:
        from app.core import drafts, inbox

        if filter_name == DRAFTS and query is None:
            return drafts.last_page(self.member_id, limit=limit)
        return inbox.last_page(self.member_id, _searched(filter_name), query=query, limit=limit,
                               author_id=self.delegate_id)

    def conversation_ids(self, filter_name: str, query: str | None) -> list[int]:
        """Every row's id (select all): conversations, or drafts in Drafts."""
        from app.core import drafts, inbox

        if filter_name == DRAFTS and query is None:
            return drafts.ids(self.member_id)
        return inbox.conversation_ids(self.member_id, _searched(filter_name), query=query,
                                      author_id=self.delegate_id)

    def search_count(self, filter_name: str, query: str | None) -> int:
        from app.core import inbox

        return inbox.search_count(self.member_id, filter_name, query, author_id=self.delegate_id)

    def rows(self, conversation_ids: list[int]) -> list[ConversationRow]:
        from app.core import inbox

        return inbox.rows_for(self.member_id, conversation_ids)

    @staticmethod
    def check_query(query: str) -> None:
        """Raise BadInput, with its sentence, when a search can't be understood (no store work)."""
        from app.core.search import parse

        parse(query)

    # ------------------------------------------------------------------ a thread

    def thread(self, conversation_id: int) -> ThreadView:
        from app.core import inbox

        return inbox.thread(self.member_id, conversation_id)

    def messages(self, conversation_id: int, *, after_id: int | None = None, before_id: int | None = None,
                 limit: int) -> list[MessageView]:
        from app.core import inbox

        return inbox.messages(self.member_id, conversation_id, after_id=after_id, before_id=before_id,
                              limit=limit)

    def mark_read(self, conversation_id: int) -> None:
        from app.core import inbox

        inbox.mark_read(self.member_id, conversation_id, author_id=self.delegate_id)

    def newest_messages(self, changed: set[int]) -> list[tuple[ConversationRow, MessageView]]:
        """Each changed conversation with its newest message, for notifications."""
        found = []
        for row in self.rows(sorted(changed)):
            latest = self.messages(row.id, limit=1)
            if latest:
                found.append((row, latest[-1]))
        return found

    def profile(self, member_id: int) -> ProfileFacts:
        from app.core import members

        from dataclasses import replace

        from app.core import invitations

        facts = members.profile_facts(self.member_id, member_id)
        return replace(facts, invitation=invitations.invitation_state(self.member_id, member_id))

    # ------------------------------------------------------------------ writing

    @staticmethod
    def quick_reply_text(response: str) -> str:
        """The words of a quick reply ("accept" or "decline"), ready to edit."""
        from app.core.messaging import QUICK_ACCEPT, QUICK_DECLINE

        return QUICK_ACCEPT if response == "accept" else QUICK_DECLINE

    def send(self, handles: list[str], body: str, subject: str | None, *, draft_id: int | None = None,
             attachments: list[tuple[str, bytes, str]] | None = None) -> SendResult:
        from app.core import messaging

        return messaging.send(self.member_id, handles, body, subject=subject, draft_id=draft_id,
                              attachments=attachments or (), author_id=self.delegate_id)

    def reply(self, conversation_id: int, body: str, *, response: str | None = None) -> SendResult:
        from app.core import messaging

        return messaging.reply(self.member_id, conversation_id, body,
                               accept=response == "accept", decline=response == "decline",
                               author_id=self.delegate_id)

    def save_draft(self, handles: list[str], subject: str, body: str, conversation_id: int | None,
                   draft_id: int | None = None) -> int | None:
        """Keep what was being written; None when there was nothing to keep (any draft is gone)."""
        from app.core import messaging

        return messaging.save_draft(self.member_id, handles, subject, body, conversation_id=conversation_id,
                                    draft_id=draft_id)

    def draft(self, draft_id: int) -> DraftView:
        from app.core import messaging

        return messaging.draft(self.member_id, draft_id)

    def reply_draft(self, conversation_id: int) -> DraftView | None:
        from app.core import messaging

        return messaging.reply_draft(self.member_id, conversation_id)

    def delete_drafts(self, draft_ids: list[int]) -> None:
        from app.core import messaging

        for draft_id in draft_ids:
            messaging.delete_draft(draft_id, self.member_id)

    def recall(self, message_id: int) -> None:
        from app.core import messaging

        messaging.recall(self.member_id, message_id)

    def save_attachments(self, attachment_ids: list[int], dest: str) -> list[Path]:
        from app.core import messaging

        return [messaging.save_attachment(self.member_id, attachment_id, dest) for attachment_id in attachment_ids]

    # ------------------------------------------------------------------ the route line

    @staticmethod
    def person(handle: str) -> MemberView:
        from app.core import members

        return members.member_view(members.member_by_handle(handle))

    @staticmethod
    def search_members(prefix: str, limit: int = 10) -> list[MemberView]:
        from app.core import members

        return members.search_members(prefix, limit)

    def completions(self, typed: str, limit: int = 6) -> list[tuple[MemberView, str]]:
        """Members the To field may complete to (people, not the member) and their degree."""
        from app.core import members

        found = [m for m in members.search_members(typed, limit + 1)
                 if m.id != self.member_id and m.kind == "person"][:limit]
        return [(member, members.degree(self.member_id, member.id)) for member in found]

    def route_to(self, member_id: int) -> RouteDecision:
        from app.core import routing

        return routing.route(self.member_id, member_id)

    def is_connected(self, member_id: int) -> bool:
        from app.core import members

        return members.is_connected(self.member_id, member_id)

    # ------------------------------------------------------------------ triage

    def apply(self, action: str, conversation_ids: list[int]) -> Any:
        """Archive, mute, star, … these conversations; the token that undoes it."""
        from app.core import moderation

        return moderation.apply(self.member_id, action, conversation_ids, author_id=self.delegate_id)

    def toggle(self, action: str, conversation_ids: list[int]) -> Any:
        """The action on these conversations if any lacks it, else its reverse; the undo token."""
        from app.core import moderation

        return moderation.toggle(self.member_id, action, conversation_ids, author_id=self.delegate_id)

    def undo(self, token: Any) -> None:
        from app.core import moderation

        moderation.undo(self.member_id, token, author_id=self.delegate_id)

    @staticmethod
    def report_reasons() -> tuple[str, ...]:
        from app.core import moderation

        return tuple(moderation.REPORT_REASONS)

    def report(self, conversation_id: int, reason: str) -> None:
        from app.core import moderation

        moderation.report(self.member_id, conversation_id, reason, author_id=self.delegate_id)

    def block_sender(self, conversation_id: int, blocking: bool) -> str:
        """Block (or unblock) the other side of a conversation; the sentence that says so."""
        from app.core import moderation

        handle = moderation.sender_handle(self.member_id, conversation_id)
        if handle is None:
            return "There is nobody here to block."
        return self.block(handle, blocking)

    def block(self, handle: str, blocking: bool) -> str:
        from app.core import members

        self.check_own_inbox()
        person = members.member_view(members.member_by_handle(handle))
        if blocking:
            members.block(self.member_id, handle)
            return f"Blocked {person.name}: no messages either way."
        members.unblock(self.member_id, handle)
        return f"Unblocked {person.name}."

    def blocked_members(self) -> list[BlockedMember]:
        from app.core import members

        return members.blocked_members(self.member_id)

    def mark_safe(self, conversation_id: int) -> None:
        from app.core import moderation

        moderation.mark_safe(self.member_id, conversation_id)

    # ------------------------------------------------------------------ settings and credits

    def member_view(self) -> MemberView:
        """The member as the store has them now (the plan may have changed)."""
        from app.core import members

        return members.member_view(members.member_by_id(self.member_id))

    def settings(self) -> dict[str, bool]:
        from app.core import members

        return members.get_settings(self.member_id)

    def update_setting(self, key: str, value: bool) -> dict[str, bool]:
        from app.core import members

        self.check_own_inbox()
        return members.update_setting(self.member_id, key, value)

    def credits(self) -> CreditsView:
        from app.core import credits

        return credits.credits_view(self.member_id)

    def forfeit_preview(self, plan_name: str) -> str:
        from app.core import credits

        return credits.forfeit_preview(self.member_id, plan_name)

    def set_plan(self, plan_name: str) -> None:
        from app.core import members

        self.check_own_inbox()
        members.set_plan(self.member.handle, plan_name)

    @staticmethod
    def settle() -> None:
        """Apply due grants, expiries and reminders for everyone (the watcher shows the effects)."""
        from app.core import credits

        credits.settle()

    # ------------------------------------------------------------------ live changes

    @staticmethod
    def now() -> datetime:
        from app.core import clock

        return clock.now()

    def watcher(self) -> ChangeWatcher:
        """What tells which of the member's conversations changed (used as a context manager)."""
        from app.store.live import ChangeWatcher

        return ChangeWatcher(self.member_id)

    # ------------------------------------------------------------------ a shared inbox

    def in_inbox(self, inbox: MemberView) -> Mailbox:
        """The same person at the keyboard, working in ``inbox`` (their own or one they are a delegate of)."""
        return Mailbox(inbox, self.author)

    def own(self) -> Mailbox:
        """The mailbox of whoever is at the keyboard, in their own inbox."""
        return Mailbox(self.author)

    def inboxes(self) -> list[MemberView]:
        """The inboxes the person at the keyboard may work in: their own first."""
        from app.core import members, team

        return [members.member_view(inbox) for inbox in team.inboxes_for(self.author_id)]

    def may_work_here(self) -> bool:
        from app.core import team

        return team.may_work_in(self.author_id, self.member_id)

    def refused_here(self, sentence: str) -> bool:
        """The sentence is the refusal of someone who no longer works in this inbox."""
        from app.core import team

        return self.delegate_id is not None and sentence == team.CANT_WORK_HERE

    def check_own_inbox(self) -> None:
        """A delegate works in the inbox's conversations; its member's network, blocks, plan
        and settings stay the member's own (as on the command line)."""
        from app.core.errors import Refused

        if self.delegate_id is not None:
            raise Refused(f"Only {self.member.name} can change that; you work in their inbox as a delegate.")

    def is_shared(self) -> bool:
        from app.core import team

        return team.is_shared(self.member_id)

    def team(self) -> list[MemberView]:
        """Everyone who works in the inbox, by name."""
        from app.core import members, team
        from app.core.directory import members_by_id

        people = [members.member_view(person) for person in members_by_id(*team.team(self.member_id))]
        return sorted(people, key=lambda person: (person.name.casefold(), person.id))

    def assign(self, conversation_ids: list[int], handle: str | None) -> MemberView | None:
        """Give the conversations to one of the team (None: to nobody); whom they went to."""
        from app.core import members, team

        assignee = team.assign(self.member_id, self.delegate_id, conversation_ids, handle)
        return members.member_view(assignee) if assignee is not None else None

    def mine(self) -> set[int]:
        """The conversations of the inbox assigned to whoever is at the keyboard."""
        return set(self.conversation_ids("mine", None))

    def assigned_by_others(self, conversation_ids: set[int]) -> list[ConversationRow]:
        """Of these conversations (newly assigned to the person at the keyboard), the ones
        someone else assigned, newest first."""
        from app.core import team

        found = []
        for row in self.rows(sorted(conversation_ids)):
            entries = team.audit(self.member_id, self.author_id, conversation_id=row.id, limit=5)
            assigned = [entry for entry in entries if entry.action == team.ASSIGN]
            if assigned and assigned[-1].author_handle != self.author.handle:
                found.append(row)
        return sorted(found, key=lambda row: row.cursor, reverse=True)

    # ------------------------------------------------------------------ invitations, templates, typing

    def invitations(self, *, sent: bool = False) -> list[InvitationView]:
        from app.core import invitations

        return invitations.pending(self.member_id, sent=sent)

    def invitations_waiting(self) -> int:
        from app.core import invitations

        return invitations.pending_count(self.member_id)

    def invitation_state(self, member_id: int) -> str | None:
        from app.core import invitations

        return invitations.invitation_state(self.member_id, member_id)

    def invite(self, handle: str, note: str) -> InvitationView:
        from app.core import invitations

        self.check_own_inbox()
        return invitations.invite(self.member_id, handle, note)

    def answer_invitation(self, answer: str, handle: str) -> InvitationView:
        """accept, ignore or withdraw the invitation between the member and ``handle``."""
        from app.core import invitations

        self.check_own_inbox()
        return {"accept": invitations.accept, "ignore": invitations.ignore,
                "withdraw": invitations.withdraw}[answer](self.member_id, handle)

    def templates(self) -> list[TemplateView]:
        from app.core import templates

        return templates.list_templates(self.member_id)

    def save_template(self, name: str, subject: str, body: str) -> TemplateView:
        from app.core import templates

        return templates.add(self.member_id, name, body, subject=subject)

    def remove_template(self, name: str) -> None:
        from app.core import templates

        templates.remove(self.member_id, name)

    def filled_template(self, name: str, recipient_handle: str) -> tuple[str, str]:
        """The template's subject and body filled for this recipient."""
        from app.core import members, templates

        saved = templates.template(self.member_id, name)
        recipient = members.member_by_handle(recipient_handle)
        sender = members.member_by_id(self.member_id)
        return templates.fill(saved.subject, recipient, sender), templates.fill(saved.body, recipient, sender)

    def typing(self, conversation_id: int) -> Typing:
        """The open thread's typing indicator, both ways (closed when the thread closes)."""
        from app.core.typing_indicator import Typing

        return Typing(self.member_id, conversation_id)

    # ------------------------------------------------------------------ who is on it

    def teammates(self) -> frozenset[int]:
        """The other members working in this inbox, who see one another on its threads."""
        from app.core.presence import teammates_of

        return teammates_of(self.member_id, self.author_id)

    def presence(self, conversation_id: int) -> Presence:
        """The open thread's presence among teammates, both ways (closed when the thread closes)."""
        from app.core.presence import Presence

        return Presence(conversation_id, self.author_id, self.teammates())

    def presence_signals(self) -> Signals:
        """What the list hears its teammates' open threads by (closed with the list)."""
        from app.store import backend

        return backend.current().signals()

    def open_by_teammates(self, conversation_ids: list[int], signals: Signals) -> set[int]:
        from app.core.presence import open_by_teammates

        return open_by_teammates(conversation_ids, self.teammates(), self.author_id, signals)

    # ------------------------------------------------------------------ shared inboxes: notes and the audit

    def note(self, conversation_id: int, body: str) -> int:
        """Leave an internal note in the conversation, for the inbox's team alone."""
        from app.core import team

        return team.note(self.member_id, self.delegate_id, conversation_id, body)

    def audit(self, conversation_id: int | None = None, *, limit: int | None = None) -> list[AuditView]:
        """Who did what in the inbox (or in one conversation), oldest first, each detail in words:
        the handle an assignment or a delegate names becomes that member's name."""
        from dataclasses import replace

        from app.core import members, team
        from app.core.errors import NotFound

        names: dict[str, str] = {}

        def name(handle: str) -> str:
            if handle not in names:
                try:
                    names[handle] = members.member_by_handle(handle).name
                except NotFound:
                    names[handle] = handle
            return names[handle]

        def words(entry: AuditView) -> str:
            if entry.action == team.ASSIGN:
                return "→ " + (name(entry.detail) if entry.detail else "nobody")
            if entry.action in (team.DELEGATE_ADD, team.DELEGATE_REMOVE) and entry.detail:
                return name(entry.detail)
            return entry.detail

        found = team.audit(self.member_id, self.author_id, conversation_id=conversation_id, limit=limit)
        return [replace(entry, detail=words(entry)) for entry in found]
