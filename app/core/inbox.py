"""The inbox: filters with their counts, keyed pages, search, threads (SPEC §5).

Every filter is an equality prefix of one ConversationState index followed by
(last_at, id), so a page is an index range read newest first and the next page
starts where the last one ended (keyset, never OFFSET). Counts come from one
GROUP BY over the covering index, kept until the store changes. A page of rows is
one query with its joins, plus at most one batched query for InMail status.
A search gathers its matching conversations once, orders them as the list is ordered
(newest last message first) and keeps them until the store changes: its pages, its
count and its last page are then slices of one list.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Iterator

from peewee import JOIN, SQL, Tuple, fn

from app.core import search as search_language
from app.core import team
from app.core.delivery import RECALLED_TEXT, name_parts, shown_preview, title_without
from app.core.directory import member_state, not_found
from app.core.errors import BadInput, NotFound
from app.core.members import member_view
from app.core.search import SearchQuery
from app.core.views import (
    FILTERS,
    TEAM_FILTERS,
    AttachmentView,
    ConversationRow,
    Counts,
    MessageView,
    ThreadView,
)
from app.store import search as store_search
from app.store.db import write
from app.store.models import (
    BOX_ARCHIVED,
    BOX_DELETED,
    BOX_INBOX,
    BOX_SPAM,
    Attachment,
    Change,
    Conversation,
    ConversationState,
    InMail,
    Member,
    NOTE,
    MemberSettings,
    Message,
    StateCount,
    database,
    delivered_to,
    tuples,
)

# Kinds of conversation that are one member talking to another (read receipts apply).
ONE_TO_ONE_KINDS = ("direct", "open_profile")

# Each filter: the box it lists and the state columns it requires (SPEC §5 order).
FILTER_SCOPES: dict[str, tuple[int, dict[str, object]]] = {
    "all": (BOX_INBOX, {}),
    "focused": (BOX_INBOX, {"folder": "focused"}),
    "other": (BOX_INBOX, {"folder": "other"}),
    "unread": (BOX_INBOX, {"has_unread": True}),
    "connections": (BOX_INBOX, {"connected": True}),
    "inmail": (BOX_INBOX, {"inmail": True}),
    "starred": (BOX_INBOX, {"starred": True}),
    "archived": (BOX_ARCHIVED, {}),
    "spam": (BOX_SPAM, {}),
    "mine": (BOX_INBOX, {"assignee_id": "author"}),
    "unassigned": (BOX_INBOX, {"assignee_id": None}),
}
# "author" above: whoever is at the keyboard, filled in by ``_scope``.
AUTHOR = "author"

# A member whose conversations hold fewer messages than this is searched starting from
# their own messages; above it the index drives, joined to their conversations.
MEMBER_DRIVEN_SEARCH_MESSAGES = 20_000

S = ConversationState


def _check_filter(filter_name: str) -> None:
    if filter_name not in FILTER_SCOPES:
        raise BadInput(f"Unknown filter {filter_name!r}; choose one of: {', '.join((*FILTERS, *TEAM_FILTERS))}.")


def focused_inbox_on(member_id: int) -> bool:
    row = MemberSettings.select(MemberSettings.focused_inbox).where(MemberSettings.member == member_id).first()
    return True if row is None else bool(row.focused_inbox)


def _scope(member_id: int, filter_name: str, author_id: int | None = None) -> tuple[int, dict[str, object]]:
    """The box and state columns of a filter; Focused and Other are one list when Focused Inbox is off.
    ``author_id``: who is at the keyboard (Mine), when not the inbox's own member."""
    _check_filter(filter_name)
    box, state = FILTER_SCOPES[filter_name]
    if "folder" in state and not focused_inbox_on(member_id):
        state = {}
    return box, {column: (member_id if author_id is None else author_id) if value == AUTHOR else value
                 for column, value in state.items()}


# --- Counts ------------------------------------------------------------------


def counts(member_id: int, author_id: int | None = None) -> Counts:
    """Every filter's count and unread count, from the member's few counts the store keeps as it is
    written (``StateCount``): as quick among a million conversations as among ten.

    The result is kept until the store changes (whichever thread asks).
    """
    version = (member_id, author_id, _store_version())
    cached = _counts_cache.get(version)
    if cached is None:
        cached = _count(member_id, member_id if author_id is None else author_id)
        if len(_counts_cache) >= COUNTS_KEPT:
            _counts_cache.clear()
        _counts_cache[version] = cached
    return cached


COUNTS_KEPT = 64
_counts_cache: dict[tuple, Counts] = {}


def _store_version() -> tuple:
    """Changes whenever anything is written, by any connection or process.

    The store notes every write in the change feed, so its newest entry is the
    store's version. The database object itself is part of it (held, not its id), so
    another store opened later can never pass for this one.
    """
    return (database.obj, Change.select(fn.MAX(Change.id)).scalar())


def _count(member_id: int, author_id: int) -> Counts:
    C = StateCount
    query = tuples(
        C.select(C.box, C.folder, C.has_unread, C.connected, C.inmail, C.starred, C.n)
        .where((C.member == member_id) & (C.box < BOX_DELETED) & (C.n > 0))
    )
    focused_on = focused_inbox_on(member_id)
    total = {name: 0 for name in (*FILTERS, *TEAM_FILTERS)}
    unread = dict(total)
    for box, folder, has_unread, connected, inmail, starred, n in query:
        facts = {"folder": folder, "has_unread": bool(has_unread), "connected": bool(connected),
                 "inmail": bool(inmail), "starred": bool(starred)}
        for name, (filter_box, state) in FILTER_SCOPES.items():
            if box != filter_box or name in TEAM_FILTERS:
                continue
            if "folder" in state and not focused_on:
                state = {}
            if all(facts[column] == value for column, value in state.items()):
                total[name] += n
                if has_unread:
                    unread[name] += n
    _count_assigned(member_id, author_id, total, unread)
    return Counts(by_filter=total, unread_by_filter=unread)


def _count_assigned(member_id: int, author_id: int, total: dict[str, int], unread: dict[str, int]) -> None:
    """Mine and Unassigned: the assigned conversations are few and indexed, and the rest of
    the inbox is unassigned, so neither count reads the whole inbox."""
    assigned = tuples(
        S.select(S.assignee, S.has_unread, fn.COUNT(SQL("*")))
        .where((S.member == member_id) & (S.box == BOX_INBOX) & S.assignee.is_null(False))
        .group_by(S.assignee, S.has_unread)
    )
    total["unassigned"], unread["unassigned"] = total["all"], unread["all"]
    for assignee_id, has_unread, n in assigned:
        total["unassigned"] -= n
        if has_unread:
            unread["unassigned"] -= n
        if assignee_id == author_id:
            total["mine"] += n
            if has_unread:
                unread["mine"] += n


# --- Pages -------------------------------------------------------------------


def _state_condition(member_id: int, box: int, state: dict[str, object]):
    condition = (S.member == member_id) & (S.box == box)
    for column, value in state.items():
        condition &= getattr(S, column) == value
    return condition


def _state_cursor(member_id: int, cursor: tuple[datetime, int]) -> tuple[datetime, int]:
    """A row's cursor names the conversation; the index orders by the state's own id."""
    last_at, conversation_id = cursor
    row = S.select(S.id).where((S.conversation == conversation_id) & (S.member == member_id)).first()
    if row is None:
        raise not_found(conversation_id)
    return last_at, row.id


def _ordered_states(member_id: int, box: int, state: dict[str, object], *, after=None,
                    before=None, limit: int, oldest_first: bool = False,
                    extra=None) -> list[tuple[datetime, int, int]]:
    """(last_at, state id, conversation id) of one box, in keyset order, one index range."""
    condition = _state_condition(member_id, box, state)
    if extra is not None:
        condition &= extra
    if after is not None:
        condition &= Tuple(S.last_at, S.id) < Tuple(*after)
    if before is not None:
        condition &= Tuple(S.last_at, S.id) > Tuple(*before)
    order = (S.last_at.asc(), S.id.asc()) if oldest_first else (S.last_at.desc(), S.id.desc())
    query = S.select(S.last_at, S.id, S.conversation).where(condition).order_by(*order).limit(limit)
    return list(tuples(query))


def page(member_id: int, filter_name: str = "all", *, query: str | None = None,
         after: tuple[datetime, int] | None = None, limit: int = 50,
         author_id: int | None = None) -> list[ConversationRow]:
    """One page of a filter, newest first; ``after`` is the last row's cursor of the page before.

    With ``query`` the page lists search results instead (SPEC §5): the filter still
    narrows them, but All also covers archived conversations. ``author_id``: who is at the
    keyboard, whose Mine it is (the inbox's member when None).
    """
    listing = _listing(member_id, filter_name, query, author_id)
    if listing is None:
        return []
    if listing.parsed.has_text:
        results = _search_results(member_id, listing)
        start = _result_index(results, after) + 1 if after is not None else 0
        return _result_rows(member_id, listing, results[start:start + limit])
    position = _state_cursor(member_id, after) if after is not None else None
    found = _take(_plain_matches(member_id, listing, after=position, batch=limit), limit)
    return rows_for(member_id, [conversation for _, _, conversation in found])


def page_before(member_id: int, filter_name: str = "all", *, before: tuple[datetime, int],
                query: str | None = None, limit: int = 50, author_id: int | None = None) -> list[ConversationRow]:
    """The page just above ``before`` (scrolling up from a jump to the end), newest first."""
    listing = _listing(member_id, filter_name, query, author_id)
    if listing is None:
        return []
    if listing.parsed.has_text:
        results = _search_results(member_id, listing)
        end = _result_index(results, before)
        return _result_rows(member_id, listing, results[max(end - limit, 0):max(end, 0)])
    position = _state_cursor(member_id, before)
    found = _take(_plain_matches(member_id, listing, before=position, oldest_first=True, batch=limit), limit)
    return rows_for(member_id, [conversation for _, _, conversation in reversed(found)])


def last_page(member_id: int, filter_name: str = "all", query: str | None = None,
              limit: int = 50, author_id: int | None = None) -> list[ConversationRow]:
    """The oldest ``limit`` rows, newest first: read the index backwards, then turn it round."""
    listing = _listing(member_id, filter_name, query, author_id)
    if listing is None:
        return []
    if listing.parsed.has_text:
        return _result_rows(member_id, listing, _search_results(member_id, listing)[-limit:])
    found = _take(_plain_matches(member_id, listing, oldest_first=True, batch=limit), limit)
    return rows_for(member_id, [conversation for _, _, conversation in reversed(found)])


def conversation_ids(member_id: int, filter_name: str = "all", *, query: str | None = None,
                     author_id: int | None = None) -> list[int]:
    """Every conversation of a filter or a search, newest first, as ids only (select all)."""
    listing = _listing(member_id, filter_name, query, author_id)
    if listing is None:
        return []
    if listing.parsed.has_text:
        return [conversation for _, _, conversation, _ in _search_results(member_id, listing)]
    return [conversation for _, _, conversation in _plain_matches(member_id, listing, batch=1000)]


def search_count(member_id: int, filter_name: str = "all", query: str | None = None,
                 author_id: int | None = None) -> int:
    """How many conversations a search finds (a filter's own count is in ``counts``)."""
    listing = _listing(member_id, filter_name, query, author_id)
    if listing is None:
        return 0
    if listing.parsed.has_text:
        return len(_search_results(member_id, listing))
    return sum(1 for _ in _plain_matches(member_id, listing, batch=1000))


def _rows_query(member_id: int, conversation_ids: list[int]):
    """The page's rows with their titles and last message, in one query."""
    peer = Member.alias("peer")
    viewer = Member.alias("viewer")
    last = Message.alias("last_message")
    last_sender = Member.alias("last_sender")
    assignee = Member.alias("assignee")
    latest = (
        Message.select(Message.id)
        # A note is the team's, not the conversation's: the preview stays the last message.
        .where((Message.conversation == Conversation.id) & delivered_to(S.member) & (Message.kind != NOTE))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    )
    return (
        S.select(
            S.conversation, S.folder, S.unread, S.archived, S.starred, S.muted, S.spam, S.inmail,
            S.has_attachment, S.last_at, Conversation.kind, Conversation.title, Conversation.subject,
            Conversation.preview, peer.name, last.body,
            last.kind, last.recalled_at, last_sender.name, last.sender, viewer.name, assignee.name,
        )
        .join(Conversation, on=(S.conversation == Conversation.id))
        .join(viewer, on=(S.member == viewer.id))
        .join(peer, JOIN.LEFT_OUTER, on=(S.peer == peer.id))
        .join(last, JOIN.LEFT_OUTER, on=(last.id == latest))
        .join(last_sender, JOIN.LEFT_OUTER, on=(last.sender == last_sender.id))
        .join(assignee, JOIN.LEFT_OUTER, on=(S.assignee == assignee.id))
        .where((S.member == member_id) & S.conversation.in_(conversation_ids))
    )


# Building the rows query's SQL costs more than running it, so it is built once per
# page size and re-run with new values. The statement is built with marks in place of
# the member (-1) and the conversation ids (-2, -3, ...), then each mark is filled in.
_MEMBER_MARK = -1
_rows_statements: dict[tuple, tuple[str, list]] = {}


def _rows_statement(member_id: int, conversation_ids: list[int]) -> tuple[str, list]:
    key = (type(database.obj), len(conversation_ids))
    if key not in _rows_statements:
        marks = [_MEMBER_MARK - 1 - n for n in range(len(conversation_ids))]
        sql, params = _rows_query(_MEMBER_MARK, marks).sql()
        if len(_rows_statements) >= 256:
            _rows_statements.clear()
        _rows_statements[key] = (sql, params)
    sql, template = _rows_statements[key]
    values = []
    for value in template:
        if value == _MEMBER_MARK:
            values.append(member_id)
        elif isinstance(value, int) and value < _MEMBER_MARK:
            values.append(conversation_ids[_MEMBER_MARK - 1 - value])
        else:
            values.append(value)
    return sql, values


def rows_for(member_id: int, conversation_ids: list[int]) -> list[ConversationRow]:
    """ConversationRows for these conversations, in the order given: one query, plus one for InMail."""
    if not conversation_ids:
        return []
    found = database.obj.execute_sql(*_rows_statement(member_id, conversation_ids))
    by_id = {}
    inmail_ids = []
    for (conversation_id, folder, unread, archived, starred, muted, spam, inmail, has_attachment,
         last_at, kind, title, subject, stored_preview, peer_name, body, last_kind, recalled_at,
         sender_name, sender_id, viewer_name, assignee_name) in found:
        by_id[conversation_id] = dict(
            id=conversation_id,
            title=conversation_title(kind, title, peer_name, viewer_name),
            kind=kind,
            folder=folder,
            unread=unread,
            archived=bool(archived),
            starred=bool(starred),
            muted=bool(muted),
            spam=bool(spam),
            inmail=bool(inmail),
            subject=subject,
            preview=shown_preview(stored_preview, body, last_kind, recalled_at is not None, sender_name,
                                  from_viewer=sender_id == member_id),
            last_at=S.last_at.python_value(last_at),
            has_attachment=bool(has_attachment),
            assignee=name_parts(assignee_name)[0] if assignee_name else "",
        )
        if inmail or kind == "inmail":
            inmail_ids.append(conversation_id)
    statuses = _inmail_statuses(inmail_ids)
    rows = []
    for conversation_id in conversation_ids:
        fields = by_id.get(conversation_id)
        if fields is None:
            continue
        status, reminded = statuses.get(conversation_id, (None, False))
        rows.append(ConversationRow(**fields, inmail_status=status, reminder=reminded))
    return rows


def conversation_title(kind: str, title: str, peer_name: str | None, viewer_name: str | None = None) -> str:
    """The other side's name for 1:1, the group's title, the company for sponsored.

    A group titled by its members' names leaves out the viewer's own name.
    """
    if kind == "group":
        return title_without(title, viewer_name) or "Group conversation"
    return peer_name or title or "LinkedIn Member"


def _inmail_statuses(conversation_ids: list[int]) -> dict[int, tuple[str, bool]]:
    """The latest InMail's status per conversation, and whether its reminder has gone out."""
    if not conversation_ids:
        return {}
    result: dict[int, tuple[str, bool]] = {}
    query = tuples(
        InMail.select(InMail.conversation, InMail.status, InMail.reminded_at)
        .where(InMail.conversation.in_(conversation_ids))
        .order_by(InMail.id)
    )
    for conversation_id, status, reminded_at in query:
        result[conversation_id] = (status, status == "pending" and reminded_at is not None)
    return result


# --- Search ------------------------------------------------------------------


@dataclass(frozen=True)
class _Listing:
    """What a page lists: the boxes and state columns to read, and the search asked for."""

    boxes: tuple[int, ...]
    state: dict[str, object]
    parsed: SearchQuery = SearchQuery()  # nothing asked: a plain filter


def _listing(member_id: int, filter_name: str, query: str | None, author_id: int | None = None) -> _Listing | None:
    """A filter, or a search narrowed by it; None when the query can match nothing."""
    box, state = _scope(member_id, filter_name, author_id)
    if query is None or not query.strip():
        return _Listing((box,), state)
    parsed = search_language.parse(query)
    if parsed.asks_nothing:
        return None
    # Search covers Focused, Other and Archived, never Spam unless asked.
    if parsed.spam or box == BOX_SPAM:
        boxes: tuple[int, ...] = () if parsed.archived or box == BOX_ARCHIVED else (BOX_SPAM,)
    elif parsed.archived or box == BOX_ARCHIVED:
        boxes = (BOX_ARCHIVED,)
    elif filter_name == "all":
        boxes = (BOX_INBOX, BOX_ARCHIVED)
    else:
        boxes = (BOX_INBOX,)
    for flag, column in (("unread", "has_unread"), ("inmail", "inmail"), ("starred", "starred"),
                         ("muted", "muted"), ("attachment", "has_attachment")):
        if getattr(parsed, flag):
            state[column] = True
    return _Listing(boxes, state, parsed)


def _phrases(terms, own_words: frozenset[str] = frozenset()) -> list[tuple]:
    """Index phrases for the search terms; one that names the searcher looks in text only."""
    found = []
    for term in terms:
        names_me = any(mine.startswith(word) for word in term.words for mine in own_words)
        found.append((term.words, term.prefix, store_search.TEXT_ONLY) if names_me else (term.words, term.prefix))
    return found


def _own_words(member_id: int) -> frozenset[str]:
    """The words of the searcher's own name, company and headline."""
    me = Member.get_by_id(member_id)
    return frozenset(search_language.words(f"{me.name} {me.company} {me.headline}"))


def _names(names) -> list[tuple[tuple[str, ...], bool]]:
    # A name in from: or company: is a run of word starts, in any order.
    return [((word,), True) for name in names for word in name]


def _name_matches(wanted: tuple[str, ...], actual: str | None) -> bool:
    have = search_language.words(actual or "")
    return all(any(word.startswith(part) for word in have) for part in wanted)


def _matches_people(parsed: SearchQuery, sender_name, sender_company, sender_id, member_id) -> bool:
    """from: and company: name the sender of the matching message (company: someone else's)."""
    if any(not _name_matches(name, sender_name) for name in parsed.senders):
        return False
    if parsed.companies and sender_id == member_id:
        return False
    return all(_name_matches(company, sender_company) for company in parsed.companies)


def _member_is_small(member_id: int, listing: _Listing) -> bool:
    """Whether the member's conversations hold few messages, judged from the index alone.

    The count stops as soon as the member is known to be large, so it costs little either way.
    """
    enough = int(MEMBER_DRIVEN_SEARCH_MESSAGES / store_search.messages_per_conversation()) + 1
    if enough <= 0:
        return False
    some = S.select(S.id).where((S.member == member_id) & S.box.in_(listing.boxes)).limit(enough)
    return S.select(fn.COUNT(SQL("*"))).from_(some.alias("some")).scalar() < enough


def _text_matches(member_id: int, listing: _Listing) -> Iterator[tuple[int, int]]:
    """(conversation id, its newest matching message id), each conversation once, lazily."""
    parsed = listing.parsed
    if not listing.boxes:
        return
    own_words = _own_words(member_id)
    stream = store_search.matching_messages(
        member_id,
        _phrases(parsed.phrases, own_words),
        people=_names(parsed.senders + parsed.companies),
        excluded=_phrases(parsed.excluded, own_words),
        boxes=listing.boxes,
        state=listing.state,
        before=parsed.before,
        after=parsed.after,
        by_member=_member_is_small(member_id, listing),
    )
    check_people = bool(parsed.senders or parsed.companies)
    seen: set[int] = set()
    sender_fits: dict[int | None, bool] = {}  # the same few senders come back again and again
    for message_id, conversation_id, sender_name, sender_company, sender_id in stream:
        if conversation_id in seen:
            continue
        if check_people:
            fits = sender_fits.get(sender_id)
            if fits is None:
                fits = _matches_people(parsed, sender_name, sender_company, sender_id, member_id)
                sender_fits[sender_id] = fits
            if not fits:
                continue
        seen.add(conversation_id)
        yield conversation_id, message_id


# One conversation a search found, where the list puts it, and its newest match:
# (last_at, state id, conversation id, message id). A plain tuple of a time and numbers, which
# the garbage collector stops following: a common word finds hundreds of thousands, kept
# while the store stays as it is, and as objects each full collection walked them all
# (300 ms at 10,000,000 messages).
_Result = tuple[datetime, int, int, int]


RESULTS_KEPT = 16
_results_cache: dict[tuple, list[_Result]] = {}
# Up to this many results, their places are read by id (an IN list a backend takes whole);
# beyond it, by reading the boxes' whole index range once.
PLACES_AT_ONCE = 500


def _search_results(member_id: int, listing: _Listing) -> list[_Result]:
    """Every conversation a search finds, ordered as the list is (newest last message
    first), kept until the store changes so that paging, counting and jumping to the
    end read it once."""
    key = (member_id, listing.boxes, tuple(sorted(listing.state.items())), listing.parsed, _store_version())
    cached = _results_cache.get(key)
    if cached is not None:
        return cached
    newest_match = dict(_text_matches(member_id, listing))
    ids = list(newest_match)
    if len(ids) > PLACES_AT_ONCE:
        # Many: one read of the boxes' index range costs less than many lists of ids.
        chunks = [S.box.in_(listing.boxes)]
    else:
        chunks = [S.conversation.in_(ids)] if ids else []
    found: list[_Result] = []
    for chunk in chunks:
        places = S.select(S.last_at, S.id, S.conversation).where((S.member == member_id) & chunk)
        found.extend((S.last_at.python_value(last_at), state_id, conversation, newest_match[conversation])
                     for last_at, state_id, conversation in tuples(places) if conversation in newest_match)
    found.sort(key=lambda result: result[:2], reverse=True)  # by last_at, then state id
    if len(_results_cache) >= RESULTS_KEPT:
        _results_cache.clear()
    _results_cache[key] = found
    return found


def _result_index(found: list[_Result], cursor: tuple[datetime, int]) -> int:
    """Where the row with this cursor stands among the results (-1 when it is not there)."""
    conversation_id = cursor[1]
    return next((index for index, (_, _, conversation, _) in enumerate(found) if conversation == conversation_id), -1)


def _result_rows(member_id: int, listing: _Listing, found: list[_Result]) -> list[ConversationRow]:
    """The rows of some results, each showing the words around its newest match."""
    if not found:
        return []
    rows = rows_for(member_id, [conversation for _, _, conversation, _ in found])
    matched = {conversation: message for _, _, conversation, message in found}
    texts = {message_id: (subject, body) for message_id, subject, body in tuples(
        Message.select(Message.id, Message.subject, Message.body).where(Message.id.in_(list(matched.values()))))}
    return [replace(row, match=search_language.snippet(texts.get(matched[row.id], ("", "")), listing.parsed))
            for row in rows]


def _plain_matches(member_id: int, listing: _Listing, *, after=None, before=None,
                   oldest_first: bool = False, batch: int) -> Iterator[tuple]:
    """A filter, or a search without words: merge each box's index range, newest first.

    Yields (last_at, state id, conversation id). A conversation is dated by its last
    message here, so dates stay in the index range; exclusions drop whole conversations.
    """
    parsed = listing.parsed
    excluded = _phrases(parsed.excluded, _own_words(member_id)) if parsed.excluded else []
    extra = None
    if parsed.after is not None:
        extra = S.last_at >= parsed.after
    if parsed.before is not None:
        extra = S.last_at < parsed.before if extra is None else extra & (S.last_at < parsed.before)

    def box_stream(box: int) -> Iterator[tuple]:
        position_after, position_before = after, before
        while True:
            found = _ordered_states(member_id, box, listing.state, after=position_after,
                                    before=position_before, limit=batch,
                                    oldest_first=oldest_first, extra=extra)
            if not found:
                return
            unwanted = store_search.conversations_containing(
                [conversation for _, _, conversation in found], excluded
            )
            for entry in found:
                if entry[2] not in unwanted:
                    yield entry
            if len(found) < batch:
                return
            if oldest_first:
                position_before = found[-1][:2]
            else:
                position_after = found[-1][:2]

    # Each box's range is already in order; merging them keeps the whole in order.
    yield from heapq.merge(*(box_stream(box) for box in listing.boxes), reverse=not oldest_first)


def _take(stream: Iterable, limit: int) -> list:
    taken = []
    for item in stream:
        taken.append(item)
        if len(taken) >= limit:
            break
    return taken


# --- Threads -----------------------------------------------------------------


def _latest_inmail(conversation_id: int) -> InMail | None:
    return InMail.select().where(InMail.conversation == conversation_id).order_by(InMail.id.desc()).first()


def thread(member_id: int, conversation_id) -> ThreadView:
    """The thread header: who is in it, its InMail status, quick replies and the link warning."""
    state = member_state(member_id, conversation_id)
    conversation = Conversation.get_by_id(state.conversation_id)
    people = list(
        Member.select()
        .join(S, on=(S.member == Member.id))
        .where((S.conversation == conversation.id) & (S.left == False))  # noqa: E712
        .order_by(Member.name)
    )
    peer_name = None
    if state.peer_id is not None:
        peer = Member.get_or_none(Member.id == state.peer_id)
        peer_name = peer.name if peer else None
    inmail = _latest_inmail(conversation.id)
    return ThreadView(
        id=conversation.id,
        title=conversation_title(conversation.kind, conversation.title, peer_name,
                                 next((p.name for p in people if p.id == member_id), None)),
        kind=conversation.kind,
        subject=conversation.subject,
        folder=state.folder,
        archived=state.archived,
        starred=state.starred,
        muted=state.muted,
        spam=state.spam,
        participants=tuple(member_view(person) for person in people),
        inmail_status=inmail.status if inmail else None,
        inmail_sender_id=inmail.sender_id if inmail else None,
        can_quick_reply=bool(inmail and inmail.status == "pending" and inmail.recipient_id == member_id),
        link_warning=link_warning(state),
        message_count=conversation.message_count,
    )


def link_warning(state: ConversationState) -> bool:
    """A message with links, in Focused or Other, from someone this member never wrote to."""
    if state.marked_safe or state.spam or state.deleted:
        return False
    senders = tuples(
        Message.select(Message.sender)
        .where(
            (Message.conversation == state.conversation_id)
            & (Message.has_links == True)  # noqa: E712
            & (Message.recalled_at.is_null())
            & (Message.sender != state.member_id)
            & delivered_to(state.member_id)
        )
        .distinct()
    )
    return any(not wrote_to(state.member_id, sender_id) for (sender_id,) in senders if sender_id is not None)


# Up to this many sent messages, "did they write to X" is answered from what they sent.
WROTE_TO_FROM_SENT = 2_000


def wrote_to(member_id: int, other_id: int) -> bool:
    """Whether the member has sent a message in any conversation the other member is in.

    Either side can be huge (a support account), and the answer is often no, which
    means reading everything on the side that leads: lead with the member's own
    messages when they are few, else with the other member's conversations.
    """
    sent = Message.select(Message.id).where(Message.sender == member_id).limit(WROTE_TO_FROM_SENT)
    theirs = S.alias("theirs")
    if Message.select(fn.COUNT(SQL("*"))).from_(sent.alias("sent")).scalar() < WROTE_TO_FROM_SENT:
        return (
            Message.select(Message.id)
            .join(theirs, JOIN.CROSS)
            .where(
                (Message.sender == member_id)
                & (theirs.conversation == Message.conversation)
                & (theirs.member == other_id)
            )
            .exists()
        )
    return (
        theirs.select(theirs.id)
        .join(Message, JOIN.CROSS)
        .where(
            (theirs.member == other_id)
            & (Message.conversation == theirs.conversation)
            # "+ 0" keeps the sender index out of it: their conversations lead.
            & ((Message.sender + 0) == member_id)
        )
        .exists()
    )


def messages(member_id: int, conversation_id, *, after_id: int | None = None,
             before_id: int | None = None, limit: int = 200) -> list[MessageView]:
    """Messages oldest first. With neither bound: the newest ``limit``; ``after_id`` pages
    towards the newest, ``before_id`` towards the oldest (keyset on send time, then id)."""
    state = member_state(member_id, conversation_id)
    conversation = Conversation.get_by_id(state.conversation_id)
    sender, author = Member.alias("sender"), Member.alias("author")
    condition = (Message.conversation == conversation.id) & delivered_to(member_id)
    newest_first = after_id is None
    if after_id is not None:
        condition &= Tuple(Message.sent_at, Message.id) > Tuple(*_message_position(after_id))
    if before_id is not None:
        condition &= Tuple(Message.sent_at, Message.id) < Tuple(*_message_position(before_id))
    order = (Message.sent_at.desc(), Message.id.desc()) if newest_first else (Message.sent_at, Message.id)
    query = (
        Message.select(
            Message.id, Message.sender, Message.kind, Message.subject, Message.body, Message.sent_at,
            Message.recalled_at, Message.has_links, sender.handle, sender.name, author.handle, author.name,
        )
        .join(sender, JOIN.LEFT_OUTER, on=(Message.sender == sender.id))
        .join(author, JOIN.LEFT_OUTER, on=(Message.author == author.id), src=Message)
        .where(condition)
        .order_by(*order)
        .limit(limit)
    )
    # Read as plain rows: a long thread is a thousand of them, and only the time needs converting.
    fetched = [
        (*row[:5], Message.sent_at.python_value(row[5]), *row[6:])
        for row in database.obj.execute_sql(*query.sql())
    ]
    if newest_first:
        fetched.reverse()
    # Few conversations carry files; the state says which, so most threads skip the lookup.
    attachments = _attachments(conversation.id, fetched[0], fetched[-1]) if state.has_attachment and fetched else {}
    seen_id = _seen_message_id(state, conversation)
    views = []
    for (message_id, sender_id, kind, subject, body, sent_at, recalled_at, has_links, handle,
         name, author_handle, author_name) in fetched:
        recalled = recalled_at is not None
        # Who wrote it for the inbox is the inbox's own business: its team is shown, nobody else.
        authored = sender_id == member_id and author_handle is not None
        views.append(
            MessageView(
                id=message_id,
                sender_id=sender_id,
                sender_handle=handle,
                sender_name=name or "LinkedIn Member",
                kind=kind,
                subject=subject,
                body=RECALLED_TEXT if recalled else body,
                at=sent_at,
                recalled=recalled,
                attachments=() if recalled else attachments.get(message_id, ()),
                seen=message_id == seen_id,
                has_links=bool(has_links) and not recalled,
                author_handle=author_handle if authored else None,
                author_name=author_name if authored else None,
            )
        )
    return views


def _message_position(message_id: int) -> tuple[datetime, int]:
    row = Message.select(Message.sent_at).where(Message.id == message_id).first()
    if row is None:
        raise NotFound(f"There is no message {message_id}.")
    return row.sent_at, message_id


def _attachments(conversation_id: int, first: tuple, last: tuple) -> dict[int, tuple[AttachmentView, ...]]:
    """The files of the messages from ``first`` to ``last`` (rows as messages() reads them)."""
    found: dict[int, list[AttachmentView]] = {}
    query = tuples(
        Message.select(Attachment.id, Message.id, Attachment.name, Attachment.size, Attachment.mime)
        .join(Attachment, JOIN.CROSS)
        .where(
            (Message.conversation == conversation_id)
            & (Tuple(Message.sent_at, Message.id) >= Tuple(first[5], first[0]))
            & (Tuple(Message.sent_at, Message.id) <= Tuple(last[5], last[0]))
            & (Attachment.message == Message.id)
        )
        .order_by(Attachment.id)
    )
    for attachment_id, message_id, name, size, mime in query:
        found.setdefault(message_id, []).append(AttachmentView(attachment_id, name, size, mime))
    return {message_id: tuple(views) for message_id, views in found.items()}


def _seen_message_id(state: ConversationState, conversation: Conversation) -> int | None:
    """The viewer's last own message the other side has read, when both share read receipts."""
    if conversation.kind not in ONE_TO_ONE_KINDS or state.peer_id is None:
        return None
    other = S.get_or_none((S.conversation == conversation.id) & (S.member == state.peer_id))
    if other is None or not other.read_upto:
        return None
    receipts = tuples(
        MemberSettings.select(MemberSettings.read_receipts)
        .where(MemberSettings.member.in_([state.member_id, state.peer_id]))
    )
    settings = [bool(on) for (on,) in receipts]
    if len(settings) != 2 or not all(settings):
        return None
    row = (
        Message.select(fn.MAX(Message.id))
        .where(
            (Message.conversation == conversation.id)
            # "+ 0" keeps the sender index out of it: a busy sender has written far more
            # messages than this conversation holds.
            & ((Message.sender + 0) == state.member_id)
            & (Message.id <= other.read_upto)
            & Message.recalled_at.is_null()
            & (Message.kind != NOTE)
        )
        .scalar()
    )
    return row


def message_count(member_id: int, conversation_id) -> int:
    state = member_state(member_id, conversation_id)
    return Conversation.select(Conversation.message_count).where(
        Conversation.id == state.conversation_id
    ).scalar()


def last_message_id(conversation_id: int) -> int:
    return Message.select(fn.MAX(Message.id)).where(Message.conversation == conversation_id).scalar() or 0


def mark_read(member_id: int, conversation_id, now: datetime | None = None, *, author_id: int | None = None) -> None:
    """The member has read the conversation up to its last message (in a shared inbox, the
    audit notes who read it, when it was unread)."""
    with write():
        state = member_state(member_id, conversation_id)
        S.update(read_upto=last_message_id(state.conversation_id), unread=0, has_unread=False).where(
            S.id == state.id
        ).execute()
        if state.has_unread:
            team.record(member_id, author_id, "read", [state.conversation_id], now)

