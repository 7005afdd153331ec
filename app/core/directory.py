"""Finding members by handle or id, a member's view of a conversation, and plans by name:
one sentence when there is none.

The rules on members and the rules on credits both look members up here, so that
neither has to import the other.
"""

from __future__ import annotations

from app.core.errors import BadInput, NotFound
from app.core.plans import UnknownPlan
from app.core.plans import plan as plan_named
from app.core import statements
from app.store.models import ConversationState, Member


def plan_for(name: str):
    """The plan called ``name``; an unknown name is bad input, said in one sentence."""
    try:
        return plan_named(name)
    except UnknownPlan as exc:
        raise BadInput(str(exc)) from None


def member_by_handle(handle: str) -> Member:
    member = Member.get_or_none(Member.handle == (handle or "").strip().lstrip("@"))
    if member is None:
        raise NotFound(f"There is no member {handle!r}.")
    return member


def member_by_id(member_id: int) -> Member:
    member = statements.MEMBER_BY_ID.first(id=member_id)
    if member is None:
        raise NotFound(f"There is no member {member_id}.")
    return member


def members_by_id(*member_ids: int) -> list[Member]:
    """The members with these ids, in this order, read in one query."""
    found = {m.id: m for m in Member.select().where(Member.id.in_(list(member_ids)))}
    missing = next((i for i in member_ids if i not in found), None)
    if missing is not None:
        raise NotFound(f"There is no member {missing}.")
    return [found[i] for i in member_ids]


def not_found(conversation_id) -> NotFound:
    return NotFound(f"There is no conversation {conversation_id}.")


def member_state(member_id: int, conversation_id) -> ConversationState:
    """The member's own view of a conversation; NotFound when it is not theirs."""
    try:
        conversation_id = int(conversation_id)
    except (TypeError, ValueError):
        raise not_found(conversation_id) from None
    state = ConversationState.get_or_none(
        (ConversationState.conversation == conversation_id) & (ConversationState.member == member_id)
    )
    if state is None:
        raise not_found(conversation_id)
    return state
