"""The Drafts list: messages kept while they were being written, beside the filters of §5.

A draft is either a new message (Compose: its recipients, subject and body) or a
reply left half-written in a conversation. The list shows each as a row like a
conversation's (the people it is to, its words, when it was last changed), newest
first; its ids are the drafts' own. The other lists are the inbox's filters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from peewee import Tuple

from app.core import inbox
from app.core.delivery import one_line
from app.core.views import DRAFTS, ConversationRow, Counts, DraftView
from app.store.models import ConversationState, Draft, Member, tuples

DRAFT_PREFIX = "Draft: "


def count(member_id: int) -> int:
    return Draft.select().where(Draft.member == member_id).count()


def counts(member_id: int, author_id: int | None = None) -> Counts:
    """Every filter's count and the number of drafts (not kept with the filters': drafts
    change without a change to any conversation); ``author_id``: whose Mine it is."""
    found = inbox.counts(member_id, author_id)
    drafts = count(member_id)
    return Counts(by_filter={**found.by_filter, DRAFTS: drafts},
                  unread_by_filter={**found.unread_by_filter, DRAFTS: 0})


def _names(handles: list[str]) -> dict[str, str]:
    wanted = [handle.lstrip("@") for handle in handles]
    return {m.handle: m.name for m in Member.select(Member.handle, Member.name).where(Member.handle.in_(wanted))}


def rows(member_id: int, drafts: list[Draft]) -> list[ConversationRow]:
    """Draft rows, in the order given: titled by the people they are to."""
    handles = [h for d in drafts if d.conversation_id is None for h in d.to_handles.split(",") if h]
    names = _names(handles) if handles else {}
    replied = [d.conversation_id for d in drafts if d.conversation_id is not None]
    conversations = {row.id: row for row in inbox.rows_for(member_id, replied)} if replied else {}
    found = []
    for draft in drafts:
        conversation = conversations.get(draft.conversation_id) if draft.conversation_id else None
        if conversation is not None:
            title = conversation.title
        else:
            title = ", ".join(names.get(h.lstrip("@"), h) for h in draft.to_handles.split(",") if h)
        found.append(ConversationRow(
            id=draft.id, title=title or "(no recipient)", kind="draft",
            folder=conversation.folder if conversation else "", unread=0, archived=False, starred=False,
            muted=False, spam=False, inmail=False, subject=draft.subject,
            preview=DRAFT_PREFIX + one_line(draft.body), last_at=draft.updated_at,
        ))
    return found


def _query(member_id: int):
    return Draft.select().where(Draft.member == member_id)


def page(member_id: int, *, after: tuple[datetime, int] | None = None, limit: int = 50) -> list[ConversationRow]:
    """Drafts newest first; ``after`` is the last row's cursor of the page before."""
    query = _query(member_id)
    if after is not None:
        query = query.where(Tuple(Draft.updated_at, Draft.id) < Tuple(*after))
    return rows(member_id, list(query.order_by(Draft.updated_at.desc(), Draft.id.desc()).limit(limit)))


def page_before(member_id: int, *, before: tuple[datetime, int], limit: int = 50) -> list[ConversationRow]:
    query = _query(member_id).where(Tuple(Draft.updated_at, Draft.id) > Tuple(*before))
    found = list(query.order_by(Draft.updated_at.asc(), Draft.id.asc()).limit(limit))
    return rows(member_id, found[::-1])


def last_page(member_id: int, *, limit: int = 50) -> list[ConversationRow]:
    found = list(_query(member_id).order_by(Draft.updated_at.asc(), Draft.id.asc()).limit(limit))
    return rows(member_id, found[::-1])


def ids(member_id: int) -> list[int]:
    query = _query(member_id).select(Draft.id).order_by(Draft.updated_at.desc(), Draft.id.desc())
    return [draft.id for draft in query]


def listing(member_id: int) -> list[DraftView]:
    """Every draft, newest first; a reply's draft is to the conversation's other members."""
    from app.core.messaging import drafts

    found = drafts(member_id)
    replied = [d.conversation_id for d in found if d.conversation_id is not None]
    others: dict[int, list[str]] = {}
    if replied:
        query = (ConversationState.select(ConversationState.conversation, Member.handle)
                 .join(Member, on=(ConversationState.member == Member.id))
                 .where(ConversationState.conversation.in_(replied) & (ConversationState.member != member_id))
                 .order_by(Member.handle))
        for conversation_id, handle in tuples(query):
            others.setdefault(conversation_id, []).append(handle)
    return [replace(d, to_handles=tuple(others.get(d.conversation_id, ()))) if d.conversation_id else d
            for d in found]
