"""Sending, replying, recalling, groups, sponsored messages and drafts (SPEC §2, §4, §6).

Every send settles time-driven effects first, then loads the members it needs,
decides the route once (core.routing) and spends the credit inside the same
write transaction, so two sends can never spend the same credit. Where the
message lands for each member is decided by core.delivery.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence

from peewee import JOIN, fn

from app.core import clock, credits, delivery, routing, statements, team
from app.core.delivery import RECALLED_TEXT, body_hash, has_links, is_blank, preview_of
from app.core.errors import BadInput, NotFound, Refused
from app.core.directory import member_by_id
from app.core.members import blocked_either_among
from app.core.plans import LIMITS
from app.core.views import DraftView, SendResult
from app.files import FileRefused, write_new_private
from app.store.db import write, write_unit
from app.store.models import (
    NOTE,
    Attachment,
    Block,
    Connection,
    Conversation,
    ConversationState,
    Draft,
    InMail,
    Member,
    MemberSettings,
    Message,
    Withheld,
    delivered_to,
    tuples,
)
from app.store.search import index_message, people_text, refresh_people

EMPTY = "A message can't be empty."
SUBJECT_NEEDED = "An InMail needs a subject."
RECALL_TOO_LATE = "You can only recall a message within 60 minutes of sending it."
QUICK_ACCEPT = "Yes, interested"
QUICK_DECLINE = "No thanks"
MEGABYTE = 1024 * 1024

ONE_TO_ONE = ("direct", "inmail", "open_profile")
# route -> (conversation kind, message kind)
KINDS = {
    "message": ("direct", "message"),
    "open-profile": ("open_profile", "open_profile"),
    "inmail": ("inmail", "inmail"),
}


# ---- the limits of §4 --------------------------------------------------------------------


def check_body(body: str | None, limit: int, what: str) -> str:
    if body is None or is_blank(body):
        raise BadInput(EMPTY)
    if len(body) > limit:
        raise BadInput(f"{what} can be at most {limit:,} characters.")
    return body


def check_subject(subject: str | None, *, required: bool) -> str:
    subject = subject or ""
    if required and is_blank(subject):
        raise BadInput(SUBJECT_NEEDED)
    if len(subject) > LIMITS.subject_max:
        raise BadInput(f"A subject can be at most {LIMITS.subject_max:,} characters.")
    return subject


def check_attachments(attachments: Sequence[tuple[str, bytes, str]], limit: int, what: str) -> None:
    for name, data, _mime in attachments:
        if not (name or "").strip():
            raise BadInput("An attachment needs a file name.")
        if len(data) > limit:
            raise BadInput(f"{name} is larger than {limit // MEGABYTE} MB, the most {what} can carry.")


def check_content(route: str, body: str, subject: str | None, attachments) -> str:
    """Validate a 1:1 message for its route; returns the subject to store."""
    if route == "inmail":
        check_body(body, LIMITS.inmail_body_max, "An InMail")
        check_attachments(attachments, LIMITS.inmail_attachment_max_bytes, "an InMail")
        return check_subject(subject, required=True)
    check_body(body, LIMITS.message_body_max, "A message")
    check_attachments(attachments, LIMITS.attachment_max_bytes, "a message")
    return check_subject(subject, required=False)


# ---- delivery: the rules of core.delivery, one row at a time ----------------------------------


def _view(state: ConversationState) -> delivery.View:
    return delivery.View(
        folder=state.folder, unread=state.unread, has_unread=state.has_unread,
        archived=state.archived, spam=state.spam, deleted=state.deleted,
    )


def _open_states(conversation: Conversation, views: Sequence[tuple[Member, Member | None]], at: datetime, *,
                 connected: bool = False) -> None:
    """Each (member, peer)'s view of a new conversation, written together; the message that
    starts it arrives next."""
    view = delivery.View()
    statements.OPEN_STATE.execute_each([dict(
        conversation=conversation.id, member=member.id, peer=peer.id if peer else None, connected=connected,
        inmail=conversation.kind == "inmail", at=at, folder=view.folder, unread=view.unread,
        has_unread=view.has_unread, archived=view.archived, spam=view.spam, deleted=view.deleted, box=view.box,
    ) for member, peer in views])


def _deliver(
    conversation: Conversation,
    sender: Member,
    body: str,
    *,
    kind: str,
    subject: str,
    attachments: Sequence[tuple[str, bytes, str]],
    at: datetime,
    route: str | None = None,
    spam_for: frozenset[int] = frozenset(),
    loaded: Sequence[Member] = (),
    author_id: int | None = None,
) -> int:
    """Store a message and bring every participant's view of the conversation up to date; its id.

    ``route`` is the route it came by (None in a group: each keeps their folder);
    ``loaded`` are members the caller already holds; ``author_id`` the teammate who wrote it
    for the sender in a shared inbox.
    """
    message_id = statements.ADD_MESSAGE.execute(
        conversation=conversation.id, sender=sender.id, kind=kind, subject=subject, body=body, at=at,
        has_links=has_links(body), body_hash=body_hash(body),
        author=author_id if author_id != sender.id else None,
    )
    for name, data, mime in attachments:
        Attachment.create(
            message=message_id, name=name, size=len(data), mime=mime or "application/octet-stream", data=data
        )
    statements.CONVERSATION_GREW.execute(at=at, preview=preview_of(body), conversation=conversation.id)
    states = statements.PRESENT_STATES.rows(conversation=conversation.id)
    # A block holds on every route: in a group, a message never reaches a member who has blocked
    # its sender or whom its sender has blocked (no unread, no return from Archived or Spam).
    # Elsewhere no route is decided across a block, nor a sponsored message sent, so none is asked.
    others = [s.member_id for s in states if s.member_id != sender.id]
    shut_out = blocked_either_among(sender.id, others) if route is None else set()
    if shut_out:
        Withheld.insert_many([(member_id, message_id) for member_id in sorted(shut_out)],
                             fields=[Withheld.member, Withheld.message]).execute()
    delivered = []
    for state in states:
        if state.member_id in shut_out:
            continue
        view = _view(state)
        if state.member_id != sender.id:
            view = delivery.arrive(view, route, spam=state.member_id in spam_for)
        delivered.append(dict(
            id=state.id, folder=view.folder, unread=view.unread, has_unread=view.has_unread, archived=view.archived,
            spam=view.spam, deleted=view.deleted, box=view.box, at=at,
            has_attachment=state.has_attachment or bool(attachments),
        ))
    statements.DELIVERED_VIEW.execute_each(delivered)

    def people() -> str:
        # The sender first: a sponsoring company has no view of its own but must be findable.
        known = {m.id: m for m in loaded}
        wanted = [s.member_id for s in states if s.member_id != sender.id]
        if not all(i in known for i in wanted):
            known.update({m.id: m for m in Member.select().where(Member.id.in_(wanted))})
        others = [known[i] for i in sorted(wanted)]
        return people_text(conversation.title, ((m.name, m.company, m.headline) for m in [sender, *others]))

    index_message(message_id, subject, body, people)
    if conversation.message_count == 0:
        # Its people are filed with its first message; a group's later changes refile them.
        refresh_people([conversation.id])
    return message_id


def _looks_like_bulk(sender_id: int, recipient_id: int, text_hash: str, at: datetime) -> bool:
    """The same text already went to enough other non-connections within the window."""
    others = statements.BULK_COPIES.scalar(
        sender=sender_id, body_hash=text_hash, since=at - LIMITS.bulk_spam_window, recipient=recipient_id
    )
    return (others or 0) + 1 >= LIMITS.bulk_spam_copies


def _answer_pending_inmail(conversation_id: int, pair: routing.Pair, status: str, at: datetime) -> bool:
    """A message from an InMail's recipient is its response; a response in time refunds the sender."""
    responder, inmail_sender = pair.sender, pair.recipient
    pending = InMail.get_or_none(
        (InMail.conversation == conversation_id) & (InMail.recipient == responder.id) & (InMail.status == "pending")
    )
    # Still pending when answered: a settle running beside this may have just expired it.
    if pending is None or not InMail.update(status=status, responded_at=at).where(
        (InMail.id == pending.id) & (InMail.status == "pending")
    ).execute():
        return False
    credits.refund(pending, at, sender=inmail_sender, recipient=responder)
    return True


# ---- 1:1 messages ------------------------------------------------------------------------------


def _pair_conversation(sender: Member, recipient: Member) -> Conversation | None:
    """The one 1:1 conversation between two members, if they have one."""
    state = statements.PAIR_THREAD.first((ONE_TO_ONE,), sender=sender.id, recipient=recipient.id)
    return state.conversation if state else None


def _start_pair(pair: routing.Pair, kind: str, subject: str, at: datetime) -> Conversation:
    sender, recipient = pair.sender, pair.recipient
    conversation = Conversation(kind=kind, subject=subject, created_by=sender.id, created_at=at, last_at=at)
    conversation.id = statements.START_CONVERSATION.execute(
        kind=kind, title=conversation.title, subject=subject, created_by=sender.id, at=at
    )
    _open_states(conversation, [(sender, recipient), (recipient, sender)], at, connected=pair.connected)
    return conversation


def _mark_inmail_thread(conversation: Conversation, subject: str) -> None:
    """A thread that now carries an InMail counts as InMail in both inboxes, under its subject."""
    conversation.kind = "inmail"
    conversation.subject = subject
    conversation.save(only=[Conversation.kind, Conversation.subject])
    ConversationState.update(inmail=True).where(ConversationState.conversation == conversation.id).execute()


def _thread_for(pair: routing.Pair, conversation: Conversation | None, route: str, subject: str, at) -> Conversation:
    """The pair's one 1:1 thread (created on first contact); a new InMail joins it."""
    conversation = conversation or _pair_conversation(pair.sender, pair.recipient)
    if conversation is None:
        return _start_pair(pair, KINDS[route][0], subject, at)
    if route == "inmail":
        _mark_inmail_thread(conversation, subject)
    return conversation


def _deliver_to_one(
    pair: routing.Pair,
    conversation: Conversation | None,
    body: str,
    subject: str | None,
    attachments,
    at: datetime,
    response: str = "replied",
    author_id: int | None = None,
) -> SendResult:
    """Route, validate, deliver and bill one 1:1 message; inside the caller's transaction."""
    sender, recipient = pair.sender, pair.recipient
    decision = routing.decide(pair, at)
    route = decision.route
    if route is None:  # a refused decision names no route
        raise Refused(decision.refusal)
    inmail = route == "inmail"
    if inmail and not subject and conversation is not None:
        subject = conversation.subject
    subject = check_content(route, body, subject, attachments)
    conversation = _thread_for(pair, conversation, route, subject, at)
    spam = not pair.connected and _looks_like_bulk(sender.id, recipient.id, body_hash(body), at)
    message_id = _deliver(
        conversation,
        sender,
        body,
        kind=KINDS[route][1],
        subject=subject if inmail else "",
        attachments=attachments,
        at=at,
        route=route,
        spam_for=frozenset({recipient.id}) if spam else frozenset(),
        author_id=author_id,
        loaded=(recipient,),
    )
    if inmail:
        sent = statements.SEND_INMAIL.execute(
            message=message_id, conversation=conversation.id, sender=sender.id, recipient=recipient.id, at=at
        )
        credits.spend(sender.id, sent, at, f"InMail to {recipient.name}")
    elif conversation.kind == "inmail":
        # Only a thread that carries an InMail has one waiting for this sender's response (an
        # InMail from the recipient would have made this route a plain message).
        _answer_pending_inmail(conversation.id, pair, response, at)
    # The balance the route read (or reads now), less what this message cost: a refund goes to the other side.
    return SendResult(conversation.id, message_id, route, pair.balance - decision.cost, spam=spam)


def _handles(to_handles) -> list[str]:
    if isinstance(to_handles, str):
        to_handles = to_handles.split(",")
    handles = [h.strip() for h in to_handles if h and h.strip()]
    if not handles:
        raise BadInput("Add at least one recipient.")
    return handles


def _named(sender_id: int, handles: list[str], found: dict[str, Member]) -> list[Member]:
    """The members ``handles`` name, in the order named, from those ``found`` by handle."""
    recipients: dict[int, Member] = {}
    for handle in handles:
        member = found.get(handle.lstrip("@"))
        if member is None:
            raise NotFound(f"There is no member {handle!r}.")
        if member.id == sender_id:
            raise BadInput(routing.CANT_MESSAGE_YOURSELF)
        recipients.setdefault(member.id, member)
    return list(recipients.values())


def _recipients(sender: Member, to_handles) -> list[Member]:
    """The members named, in the order named, read in one query."""
    handles = _handles(to_handles)
    named = [h.lstrip("@") for h in handles]
    found = statements.MEMBERS_BY_HANDLE.rows((len(named),), handles=named)
    return _named(sender.id, handles, {m.handle: m for m in found})


def _sender_and_recipients(sender_id: int, to_handles) -> tuple[Member, list[Member]]:
    """The sender and the members named (in the order named), read in one query that holds their
    rows for the unit: everyone the message reaches, the sender's credits, and the pair's or
    group's one conversation with them."""
    handles = _handles(to_handles)
    named = [h.lstrip("@") for h in handles]
    read = statements.SENDER_AND_NAMED.rows((len(named),), sender=sender_id, handles=named)
    sender = next((m for m in read if m.id == sender_id), None)
    if sender is None:
        raise NotFound(f"There is no member {sender_id}.")
    return sender, _named(sender_id, handles, {m.handle: m for m in read})


def send(
    sender_id: int,
    to_handles: list[str],
    body: str,
    subject: str | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    now: datetime | None = None,
    draft_id: int | None = None,
    author_id: int | None = None,
) -> SendResult:
    """Send a message: to one member by the route of §2, to several as a group of connections.

    ``draft_id``: the draft it was written in, removed once it is sent. ``author_id``: the
    teammate writing for ``sender_id`` in a shared inbox (see ``app.core.team``)."""
    at = now or clock.now()
    attachments = list(attachments)
    credits.settle(at)

    def unit() -> SendResult:
        sender, recipients = _sender_and_recipients(sender_id, to_handles)
        check_body(body, LIMITS.message_body_max, "A message")
        check_subject(subject, required=False)
        if len(recipients) > 1:
            result = _send_group(sender, recipients, body, subject or "", attachments, at, author_id)
        else:
            result = _deliver_to_one(routing.Pair(sender, recipients[0]), None, body, subject, attachments, at,
                                     author_id=author_id)
        _sent_drafts(sender_id, draft_id=draft_id, to_handles=",".join(h.lstrip("@") for h in _handles(to_handles)))
        team.record(sender_id, author_id, team.SEND, [result.conversation], at)
        return result

    return write_unit(unit)


# ---- groups ----------------------------------------------------------------------------------------


def _check_group_members(adder: Member, members: Sequence[Member], already: int) -> None:
    """Groups are for connections only, and hold at most the group limit."""
    if already + len(members) > LIMITS.group_max_members:
        raise BadInput(f"A group can have at most {LIMITS.group_max_members} members.")
    ids = [m.id for m in members]
    blocked = blocked_either_among(adder.id, ids)
    connected = {
        other for (other,) in tuples(Connection.select(Connection.other).where(
            (Connection.member == adder.id) & Connection.other.in_(ids)
        ))
    }
    for member in members:
        if member.id in blocked:
            raise Refused(routing.CANT_MESSAGE)
        if member.kind == "company":
            raise Refused(routing.COMPANY_ACCOUNT)
        if member.id not in connected:
            raise Refused(f"Groups are for connections only: {member.name} is not one of your connections.")


def _group_title(member_ids: Iterable[int]) -> str:
    names = [m.name for m in Member.select(Member.name).where(Member.id.in_(list(member_ids))).order_by(Member.name)]
    return delivery.group_title(names)


def _active_member_ids(conversation_id: int) -> set[int]:
    return {
        s.member_id
        for s in ConversationState.select(ConversationState.member).where(
            (ConversationState.conversation == conversation_id) & (ConversationState.left == False)  # noqa: E712
        )
    }


def _existing_group(member_ids: set[int]) -> Conversation | None:
    """A group with exactly these members, so sending to the same people again continues it."""
    any_member = min(member_ids)
    candidates = (
        Conversation.select()
        .join(ConversationState)
        .where(
            (Conversation.kind == "group")
            & (ConversationState.member == any_member)
            & (ConversationState.left == False)  # noqa: E712
        )
        .order_by(Conversation.last_at.desc())
    )
    for conversation in candidates:
        if _active_member_ids(conversation.id) == member_ids:
            return conversation
    return None


def _start_group(sender: Member, members: Sequence[Member], subject: str, at: datetime) -> Conversation:
    ids = {sender.id, *(m.id for m in members)}
    conversation = Conversation.create(
        kind="group", title=_group_title(ids), subject=subject, created_by=sender, created_at=at, last_at=at
    )
    _open_states(conversation, [(member, None) for member in (sender, *members)], at)
    return conversation


def _send_group(
    sender: Member, members: list[Member], body: str, subject: str, attachments, at: datetime,
    author_id: int | None = None,
) -> SendResult:
    """A group message, inside the caller's transaction: a group costs nothing."""
    _check_group_members(sender, members, already=1)
    check_attachments(attachments, LIMITS.attachment_max_bytes, "a message")
    ids = {sender.id, *(m.id for m in members)}
    conversation = _existing_group(ids) or _start_group(sender, members, subject, at)
    message_id = _deliver(
        conversation, sender, body, kind="message", subject="", attachments=attachments, at=at, loaded=members,
        author_id=author_id,
    )
    return SendResult(
        conversation=conversation.id, message=message_id, route="message", credits_left=credits.balance(sender.id)
    )


def _group_state(member_id: int, conversation_id: int) -> ConversationState:
    state = _state(member_id, conversation_id)
    if state.conversation.kind != "group":
        raise BadInput("Only a group conversation has members to add or leave.")
    if state.left:
        raise Refused("You have left this group.")
    return state


def add_to_group(member_id: int, conversation_id: int, handles: list[str], now: datetime | None = None) -> None:
    """Add connections of ``member_id`` to a group they belong to."""
    at = now or clock.now()
    adder = member_by_id(member_id)
    with write():
        state = _group_state(member_id, conversation_id)
        present = _active_member_ids(conversation_id)
        newcomers = [m for m in _recipients(adder, handles) if m.id not in present]
        _check_group_members(adder, newcomers, already=len(present))
        conversation = state.conversation
        for member in newcomers:
            rejoining = ConversationState.get_or_none(
                (ConversationState.conversation == conversation_id) & (ConversationState.member == member.id)
            )
            if rejoining:
                ConversationState.update(left=False, last_at=at).where(ConversationState.id == rejoining.id).execute()
            else:
                _open_states(conversation, [(member, None)], at)
        _retitle_group(conversation, at)


def leave_group(member_id: int, conversation_id: int, now: datetime | None = None) -> None:
    """Leave a group: no more messages from it; its history stays visible."""
    at = now or clock.now()
    with write():
        state = _group_state(member_id, conversation_id)
        ConversationState.update(left=True).where(ConversationState.id == state.id).execute()
        _retitle_group(state.conversation, at, leaver=member_id)


def _retitle_group(conversation: Conversation, at: datetime, leaver: int | None = None) -> None:
    """The group's title names its members; everyone who sees it (the leaver too) refreshes."""
    members = _active_member_ids(conversation.id)
    Conversation.update(title=_group_title(members)).where(Conversation.id == conversation.id).execute()
    refresh_people([conversation.id])


# ---- replies and responses -----------------------------------------------------------------------


def _state(member_id: int, conversation_id: int) -> ConversationState:
    state = (
        ConversationState.select(ConversationState, Conversation)
        .join(Conversation)
        .where((ConversationState.member == member_id) & (ConversationState.conversation == conversation_id))
        .first()
    )
    if state is None:
        raise NotFound(f"There is no conversation {conversation_id}.")
    return state


def _quick_reply(body: str | None, accept: bool, decline: bool) -> tuple[str | None, str]:
    """The text to send and the InMail status a response sets."""
    if accept and decline:
        raise BadInput("Choose accept or decline, not both.")
    if accept:
        return (QUICK_ACCEPT if body is None else body), "accepted"
    if decline:
        return (QUICK_DECLINE if body is None else body), "declined"
    return body, "replied"


def reply(
    member_id: int,
    conversation_id: int,
    body: str | None = None,
    *,
    accept: bool = False,
    decline: bool = False,
    now: datetime | None = None,
    author_id: int | None = None,
) -> SendResult:
    """Reply in a conversation; on a pending InMail, accept and decline are quick replies.
    ``author_id``: the teammate writing for ``member_id`` in a shared inbox."""
    at = now or clock.now()
    text, response = _quick_reply(body, accept, decline)
    text = check_body(text, LIMITS.message_body_max, "A message")
    credits.settle(at)

    def unit() -> SendResult:
        result = _reply(member_id, conversation_id, text, response, accept or decline, at, author_id)
        team.record(member_id, author_id, team.REPLY, [result.conversation], at)
        return result

    return write_unit(unit)


def _reply(member_id: int, conversation_id: int, text: str, response: str, answering: bool,
           at: datetime, author_id: int | None) -> SendResult:
    """``reply``'s unit: everyone still in the conversation is locked, as a send locks them."""
    credits.lock_members([member_id, *_active_member_ids(conversation_id)])
    member = member_by_id(member_id)
    state = _state(member_id, conversation_id)
    conversation = state.conversation
    if answering and not _awaits_answer_from(conversation_id, member_id):
        raise Refused("There is no InMail here waiting for your answer.")
    if conversation.kind == "sponsored":
        raise Refused("You can't reply to a sponsored message.")
    if conversation.kind == "group":
        if state.left:
            raise Refused("You have left this group.")
        message_id = _deliver(conversation, member, text, kind="message", subject="", attachments=(), at=at,
                              author_id=author_id)
        _sent_drafts(member_id, conversation_id=conversation.id)
        return SendResult(conversation.id, message_id, "message", credits.balance(member_id))
    if state.peer_id is None:
        raise Refused(routing.CANT_MESSAGE)
    peer = member_by_id(state.peer_id)
    result = _deliver_to_one(routing.Pair(member, peer), conversation, text, None, (), at, response=response,
                             author_id=author_id)
    _sent_drafts(member_id, conversation_id=conversation.id)
    return result


def _awaits_answer_from(conversation_id: int, member_id: int) -> bool:
    return (
        InMail.select()
        .where(
            (InMail.conversation == conversation_id) & (InMail.recipient == member_id) & (InMail.status == "pending")
        )
        .exists()
    )


# ---- recall --------------------------------------------------------------------------------------------


def _can_see(member_id: int, message: Message) -> bool:
    """The member wrote the message, or it reached them: they are in its conversation and no
    block held it back."""
    if message.sender_id == member_id:
        return True
    in_conversation = ConversationState.select().where(
        (ConversationState.conversation == message.conversation_id) & (ConversationState.member == member_id)
    )
    reached = Message.select().where((Message.id == message.id) & delivered_to(member_id))
    return in_conversation.exists() and reached.exists()


def recall(member_id: int, message_id: int, now: datetime | None = None, *, author_id: int | None = None) -> None:
    """Unsend one's own message within the recall window; both sides see it was deleted.
    ``author_id``: the teammate doing it in a shared inbox (the audit notes them)."""
    at = now or clock.now()
    with write():
        message = Message.get_or_none(Message.id == message_id)
        # A message in a conversation the member is not in is as unknown to them as one that never was.
        if message is None or not _can_see(member_id, message):
            raise NotFound(f"There is no message {message_id}.")
        if message.sender_id != member_id:
            raise Refused("You can only recall your own messages.")
        if message.recalled_at is not None:
            return
        if at - message.sent_at > LIMITS.recall_window:
            raise Refused(RECALL_TOO_LATE)
        # Search skips recalled messages from here on.
        Message.update(recalled_at=at).where(Message.id == message.id).execute()
        team.record(member_id, author_id, "recall", [message.conversation_id], at, str(message.id))
        latest = (
            Message.select(Message.id)
            .where((Message.conversation == message.conversation_id) & (Message.kind != NOTE))
            .order_by(Message.sent_at.desc(), Message.id.desc())
            .first()
        )
        if latest and latest.id == message.id:
            Conversation.update(preview=RECALLED_TEXT).where(Conversation.id == message.conversation_id).execute()


# ---- sponsored messages ------------------------------------------------------------------------------------

AUDIENCE_KEYS = ("company", "location")


def _audience(company: Member, audience: dict | None):
    """Members a sponsored message reaches: people who allow sponsored messages, in the audience."""
    query = (
        Member.select()
        .join(MemberSettings, JOIN.LEFT_OUTER, on=(MemberSettings.member == Member.id))
        .where(
            (Member.kind == "person")
            & (Member.id != company.id)
            # No settings row means the defaults, which allow sponsored messages.
            & (MemberSettings.allow_sponsored.is_null() | (MemberSettings.allow_sponsored == True))  # noqa: E712
        )
    )
    if audience:
        unknown = set(audience) - set(AUDIENCE_KEYS)
        if unknown or len(audience) != 1:
            raise BadInput("An audience is everyone, one company or one location.")
        key, value = next(iter(audience.items()))
        field = Member.company if key == "company" else Member.location
        query = query.where(fn.LOWER(field) == str(value).strip().lower())
    blocked_by_company = Block.select(Block.blocked).where(Block.blocker == company.id)
    blocking_company = Block.select(Block.blocker).where(Block.blocked == company.id)
    query = query.where(Member.id.not_in(blocked_by_company) & Member.id.not_in(blocking_company))
    return list(query.order_by(Member.id))


def send_sponsored(
    company_id: int, body: str, audience: dict | None = None, subject: str = "", now: datetime | None = None
) -> int:
    """A company's sponsored message: one conversation per member reached, in their Other folder."""
    at = now or clock.now()
    company = member_by_id(company_id)
    if company.kind != "company":
        raise Refused("Only a company account can send sponsored messages.")
    check_body(body, LIMITS.message_body_max, "A message")
    subject = check_subject(subject, required=False)
    with write():
        reached = _audience(company, audience)
        for member in reached:
            conversation = Conversation.create(
                kind="sponsored", title=company.name, subject=subject, created_by=company, created_at=at, last_at=at
            )
            _open_states(conversation, [(member, company)], at)
            _deliver(conversation, company, body, kind="sponsored", subject=subject, attachments=(), at=at,
                     route="sponsored", loaded=(member,))
    return len(reached)


# ---- drafts ---------------------------------------------------------------------------------------------------


def _draft_view(draft: Draft) -> DraftView:
    return DraftView(
        id=draft.id,
        to_handles=tuple(h for h in draft.to_handles.split(",") if h),
        subject=draft.subject,
        body=draft.body,
        conversation_id=draft.conversation_id,
        updated_at=draft.updated_at,
    )


def save_draft(
    member_id: int, to_handles, subject: str, body: str, conversation_id: int | None = None,
    now: datetime | None = None, draft_id: int | None = None,
) -> int | None:
    """Keep what was being written; one draft per conversation, or per set of recipients.

    ``draft_id`` names the draft being edited (reopened from Drafts), whatever its recipients
    are now. Nothing left to keep (no subject, a blank body) removes the draft: None.
    """
    at = now or clock.now()
    if isinstance(to_handles, str):
        to_handles = to_handles.split(",")
    joined = ",".join(h.strip().lstrip("@") for h in to_handles if h and h.strip())
    with write():
        member_by_id(member_id)
        if conversation_id is not None:
            _state(member_id, conversation_id)
            same = (Draft.conversation == conversation_id)
        else:
            same = Draft.conversation.is_null() & (Draft.to_handles == joined)
        if draft_id is not None:
            same = Draft.id == draft_id
        draft = Draft.get_or_none((Draft.member == member_id) & same)
        if is_blank(body or "") and not (subject or "").strip():
            if draft is not None:
                draft.delete_instance()
            return None
        if draft is None:
            draft = Draft(member=member_id, conversation=conversation_id)
        draft.to_handles, draft.subject, draft.body, draft.updated_at = joined, subject or "", body or "", at
        draft.save()
    return draft.id


def drafts(member_id: int) -> list[DraftView]:
    query = Draft.select().where(Draft.member == member_id).order_by(Draft.updated_at.desc(), Draft.id.desc())
    return [_draft_view(d) for d in query]


def draft(member_id: int, draft_id: int) -> DraftView:
    found = Draft.get_or_none((Draft.id == draft_id) & (Draft.member == member_id))
    if found is None:
        raise NotFound(f"There is no draft {draft_id}.")
    return _draft_view(found)


def reply_draft(member_id: int, conversation_id: int) -> DraftView | None:
    """The reply the member left half-written in this conversation, if any."""
    found = Draft.get_or_none((Draft.member == member_id) & (Draft.conversation == conversation_id))
    return _draft_view(found) if found is not None else None


def delete_draft(draft_id: int, member_id: int | None = None) -> None:
    mine = Draft.id == draft_id
    if member_id is not None:
        mine &= Draft.member == member_id
    with write():
        if not Draft.delete().where(mine).execute():
            raise NotFound(f"There is no draft {draft_id}.")


def _sent_drafts(member_id: int, *, conversation_id: int | None = None, draft_id: int | None = None,
                 to_handles: str | None = None) -> None:
    """Sending removes the draft it was written in, and the draft to the same people
    (inside the sending transaction)."""
    if to_handles is not None:
        statements.DROP_DRAFT_TO.execute(member=member_id, to_handles=to_handles)
    if conversation_id is not None:
        statements.DROP_DRAFT_IN.execute(member=member_id, conversation=conversation_id)
    if draft_id is not None:
        statements.DROP_DRAFT.execute(member=member_id, id=draft_id)


# ---- attachments -------------------------------------------------------------------------------------------------


def save_attachment(member_id: int, attachment_id: int, dest_path) -> Path:
    """Write an attachment the member can see back to disk; a folder gets the file's own name."""
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    missing = NotFound(f"There is no attachment {attachment_id}.")
    if attachment is None:
        raise missing
    message = Message.get_by_id(attachment.message_id)
    if message.recalled_at is not None or not _can_see(member_id, message):
        raise missing
    dest = Path(dest_path).expanduser()
    if dest.is_dir():
        dest = dest / Path(attachment.name).name
    try:
        write_new_private(dest, bytes(attachment.data))
    except FileRefused as exc:
        raise BadInput(str(exc)) from None
    return dest
