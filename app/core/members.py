"""Members, their settings, connections and blocks (SPEC §1, §7)."""

from __future__ import annotations

import re
from datetime import datetime

from peewee import IntegrityError, fn

from app.core import clock, credits, statements
from app.core.directory import member_by_handle, member_by_id, plan_for
from app.core.errors import BadInput, Refused
from app.core.plans import LIMITS
from app.core.views import BlockedMember, MemberView, ProfileFacts
from app.store.db import write
from app.store.models import (
    INVITATION_ACCEPTED,
    INVITATION_IGNORED,
    INVITATION_PENDING,
    INVITATION_WITHDRAWN,
    Block,
    Connection,
    ConversationState,
    Invitation,
    Member,
    MemberSettings,
)

HANDLE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MEMBER_KINDS = ("person", "company", "anonymous")

# Setting key (as the command line and settings screen name it) -> MemberSettings field.
SETTING_FIELDS: dict[str, str] = {
    "allow-inmail": "allow_inmail",
    "allow-open-profile": "allow_open_profile",
    "allow-sponsored": "allow_sponsored",
    "focused-inbox": "focused_inbox",
    "read-receipts": "read_receipts",
    "notifications": "notifications",
    "desktop-notifications": "desktop_notifications",
}
OPEN_PROFILE = "open-profile"
OPEN_PROFILE_NEEDS_PREMIUM = "Open Profile needs a Premium plan."


def validate_handle(handle: str) -> str:
    value = (handle or "").strip()
    if len(value) > LIMITS.handle_max or not HANDLE_PATTERN.fullmatch(value):
        raise BadInput(f"{handle!r} is not a valid handle: use lowercase letters, digits and hyphens.")
    return value


def add_member(
    handle: str,
    name: str,
    *,
    headline: str = "",
    company: str = "",
    position: str = "",
    location: str = "",
    plan: str = "basic",
    open_profile: bool = False,
    kind: str = "person",
    profile_url: str = "",
    now: datetime | None = None,
) -> MemberView:
    """Create a member on ``plan``; the plan's first allotment arrives at once."""
    at = now or clock.now()
    handle = validate_handle(handle)
    name = (name or "").strip()
    if not name:
        raise BadInput("A member needs a name.")
    if kind not in MEMBER_KINDS:
        raise BadInput(f"Unknown member kind {kind!r}; choose one of: {', '.join(MEMBER_KINDS)}.")
    chosen = plan_for(plan)
    if open_profile and not chosen.premium:
        raise Refused(OPEN_PROFILE_NEEDS_PREMIUM)
    with write():
        if Member.select().where(Member.handle == handle).exists():
            raise BadInput(f"There is already a member {handle!r}.")
        try:
            member = Member.create(
                handle=handle,
                name=name,
                headline=headline,
                company=company,
                position=position,
                location=location,
                plan=chosen.name,
                plan_started_at=at,
                open_profile=open_profile,
                kind=kind,
                profile_url=profile_url,
                created_at=at,
            )
        except IntegrityError:
            raise BadInput(f"There is already a member {handle!r}.") from None
        MemberSettings.create(member=member)
        credits.start_plan(member, at)
    return member_view(member)


def member_view(member: Member) -> MemberView:
    return MemberView(
        id=member.id,
        handle=member.handle,
        name=member.name,
        headline=member.headline,
        company=member.company,
        position=member.position,
        location=member.location,
        plan=member.plan,
        open_profile=member.open_profile,
        kind=member.kind,
    )


def list_members() -> list[MemberView]:
    return [member_view(m) for m in Member.select().order_by(Member.handle)]


def search_members(prefix: str, limit: int = 10) -> list[MemberView]:
    """Members whose handle, name, company or a word of their name or company starts with
    ``prefix``, whatever its case (To: completion)."""
    text = (prefix or "").strip().lstrip("@")
    if not text:
        return []
    query = (
        Member.select()
        .where(
            Member.handle.startswith(text.lower())
            | fn.LOWER(Member.name).startswith(text.lower())
            | fn.LOWER(Member.name).contains(" " + text.lower())
            | fn.LOWER(Member.company).startswith(text.lower())
            | fn.LOWER(Member.company).contains(" " + text.lower())
        )
        .order_by(Member.name, Member.handle)
        .limit(limit)
    )
    return [member_view(m) for m in query]


def is_connected(a_id: int, b_id: int) -> bool:
    return statements.CONNECTED.first(a=a_id, b=b_id) is not None


def connect(a_handle: str, b_handle: str, now: datetime | None = None) -> None:
    """Connect two members (both directions); their 1:1 conversations now count as connected."""
    at = now or clock.now()
    a, b = member_by_handle(a_handle), member_by_handle(b_handle)
    if a.id == b.id:
        raise BadInput("A member can't connect to themselves.")
    with write():
        connect_ids(a.id, b.id, at)


def connect_ids(a_id: int, b_id: int, at: datetime) -> None:
    """Connect two members inside the caller's write; connecting twice changes nothing."""
    if is_connected(a_id, b_id):
        return
    # However they came to be connected, an invitation still waiting between them is answered.
    answer_waiting(a_id, b_id, INVITATION_ACCEPTED, at)
    answer_waiting(b_id, a_id, INVITATION_ACCEPTED, at)
    Connection.insert_many(
        [
            {"member": a_id, "other": b_id, "connected_at": at},
            {"member": b_id, "other": a_id, "connected_at": at},
        ]
    ).execute()
    ConversationState.update(connected=True).where(
        ((ConversationState.member == a_id) & (ConversationState.peer == b_id))
        | ((ConversationState.member == b_id) & (ConversationState.peer == a_id))
    ).execute()


def answer_waiting(sender_id: int, recipient_id: int, status: str, at: datetime) -> None:
    """The invitation ``sender_id`` has waiting with ``recipient_id``, if any, answered so."""
    Invitation.update(status=status, answered_at=at).where(
        (Invitation.sender == sender_id) & (Invitation.recipient == recipient_id)
        & (Invitation.status == INVITATION_PENDING)
    ).execute()


def set_plan(handle: str, plan_name: str, now: datetime | None = None):
    """Move a member to another plan (credits.change_plan spells out what happens)."""
    member = member_by_handle(handle)
    return credits.change_plan(member.id, plan_name, now)


def get_settings(member_id: int) -> dict[str, bool]:
    member = member_by_id(member_id)
    # A member without a settings row (an imported one) has the defaults.
    settings = MemberSettings.get_or_none(MemberSettings.member == member.id) or MemberSettings()
    values = {key: bool(getattr(settings, field)) for key, field in SETTING_FIELDS.items()}
    values[OPEN_PROFILE] = bool(member.open_profile)
    return values


def update_setting(member_id: int, key: str, value: bool) -> dict[str, bool]:
    """Change one setting; Open Profile can only be switched on by a premium member."""
    if key not in SETTING_FIELDS and key != OPEN_PROFILE:
        choices = ", ".join([*SETTING_FIELDS, OPEN_PROFILE])
        raise BadInput(f"Unknown setting {key!r}; choose one of: {choices}.")
    member = member_by_id(member_id)
    with write():
        if key == OPEN_PROFILE:
            if value and not plan_for(member.plan).premium:
                raise Refused(OPEN_PROFILE_NEEDS_PREMIUM)
            Member.update(open_profile=bool(value)).where(Member.id == member.id).execute()
        else:
            MemberSettings.get_or_create(member=member)
            MemberSettings.update({SETTING_FIELDS[key]: bool(value)}).where(
                MemberSettings.member == member.id
            ).execute()
    return get_settings(member_id)


def block(member_id: int, handle: str) -> None:
    """Block a member: neither side can message the other any more."""
    at = clock.now()
    other = member_by_handle(handle)
    if other.id == member_id:
        raise BadInput("You can't block yourself.")
    with write():
        if not Block.select().where((Block.blocker == member_id) & (Block.blocked == other.id)).exists():
            Block.create(blocker=member_id, blocked=other.id, at=at)
        # A block ends what was waiting between them: the blocker's invitation is taken back,
        # the other's is ignored.
        answer_waiting(member_id, other.id, INVITATION_WITHDRAWN, at)
        answer_waiting(other.id, member_id, INVITATION_IGNORED, at)


def unblock(member_id: int, handle: str) -> None:
    other = member_by_handle(handle)
    with write():
        Block.delete().where((Block.blocker == member_id) & (Block.blocked == other.id)).execute()


def has_blocked(member_id: int, other_id: int) -> bool:
    return Block.select().where((Block.blocker == member_id) & (Block.blocked == other_id)).exists()


def blocked_members(member_id: int) -> list[BlockedMember]:
    """The members this member has blocked, most recent first (Settings lists them)."""
    query = (Block.select(Block, Member).join(Member, on=(Block.blocked == Member.id))
             .where(Block.blocker == member_id).order_by(Block.at.desc(), Block.id.desc()))
    return [BlockedMember(member_view(block.blocked), block.at) for block in query]


def is_blocked_either(a_id: int, b_id: int) -> bool:
    return statements.BLOCKED_EITHER.first(a=a_id, b=b_id) is not None


def blocked_either_among(member_id: int, others) -> set[int]:
    """Which of ``others`` have blocked ``member_id``, or been blocked by them."""
    ids = list(others)
    if not ids:
        return set()
    pairs = statements.BLOCKED_AMONG.rows((len(ids),), member=member_id, others=ids)
    return {blocker if blocker != member_id else blocked for blocker, blocked in pairs}


def _connection_ids(member_id: int):
    return Connection.select(Connection.other).where(Connection.member == member_id)


def shared_connections(a_id: int, b_id: int) -> list[MemberView]:
    query = (
        Member.select()
        .where(Member.id.in_(_connection_ids(a_id)) & Member.id.in_(_connection_ids(b_id)))
        .order_by(Member.name)
    )
    return [member_view(m) for m in query]


def degree(a_id: int, b_id: int) -> str:
    """How far apart two members are in the connection graph."""
    if a_id == b_id:
        return "you"
    if is_connected(a_id, b_id):
        return "1st"
    shared = Connection.select().where(
        (Connection.member == a_id) & Connection.other.in_(_connection_ids(b_id))
    )
    return "2nd" if shared.exists() else "3rd+"


def profile_facts(viewer_id: int, member_id: int) -> ProfileFacts:
    member = member_by_id(member_id)
    shared = shared_connections(viewer_id, member_id) if viewer_id != member_id else []
    return ProfileFacts(member=member_view(member), degree=degree(viewer_id, member_id), shared=tuple(shared),
                        blocked=has_blocked(viewer_id, member_id))
