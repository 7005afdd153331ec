"""The search box's little language (SPEC §5).

A query is words and "quoted phrases" (matched anywhere in names, companies,
headlines, subjects and bodies; words match as prefixes), ``-word`` to exclude,
and operators: ``from:NAME``, ``company:NAME``, ``is:unread|inmail|starred|muted``,
``in:archived|spam``, ``has:attachment``, ``before:YYYY-MM-DD``, ``after:YYYY-MM-DD``.
Dates bound the matching message; in a search without words they bound a
conversation's last message. ``parse`` turns the text into a SearchQuery or raises
BadInput with one sentence; it never fails any other way, whatever it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from app.core.errors import BadInput
from app.core.plans import LIMITS
from app.store.words import runs_on
from app.store.words import words as index_words

OPERATORS = ("from", "company", "is", "in", "has", "before", "after")
IS_VALUES = ("unread", "inmail", "starred", "muted")
IN_VALUES = ("archived", "spam")
HAS_VALUES = ("attachment",)

UNKNOWN_OPERATOR = 'Unknown search operator "{op}:"; try from:, company:, is:, in:, has:, before: or after:.'
BAD_DATE = "Dates look like {op}:2024-03-05."
OPEN_QUOTE = "A quote is not closed."
TOO_LONG = f"A search can be at most {LIMITS.search_max_chars} characters long."
TOO_MANY_TERMS = f"A search can have at most {LIMITS.search_max_terms} words, phrases and operators."

# A match is shown with this many characters before it (cut at a word), then what follows.
SNIPPET_LEAD = 24
SNIPPET_LENGTH = 160
_WORD = re.compile(r"\w+")

_OPERATOR = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Term:
    """Index words that must appear together, in order; the last may be a word's start."""

    words: tuple[str, ...]
    prefix: bool = True  # quoted phrases match whole words only


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query; names (from:, company:) are tuples of word starts."""

    phrases: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    senders: tuple[tuple[str, ...], ...] = ()  # from:
    companies: tuple[tuple[str, ...], ...] = ()  # company:
    unread: bool = False
    inmail: bool = False
    starred: bool = False
    muted: bool = False
    archived: bool = False  # in:archived: only archived conversations
    spam: bool = False  # in:spam: only spam
    attachment: bool = False
    before: datetime | None = None  # messages sent strictly before this instant
    after: datetime | None = None  # messages sent at or after this instant

    @property
    def asks_nothing(self) -> bool:
        """Text with no word, name or operator in it (only punctuation): nothing can match."""
        return self == SearchQuery()

    @property
    def has_text(self) -> bool:
        """Whether the full-text index must be asked (words, phrases, names or companies)."""
        return bool(self.phrases or self.senders or self.companies)


def words(text: str) -> tuple[str, ...]:
    """The index words of ``text``, made as the index makes them (``app.store.words``)."""
    return tuple(index_words(text))


def _term(found: tuple[str, ...], quoted: bool) -> Term:
    # A last word that is one character of a script without spaces stands at the end of a
    # run in the index, or starts a pair of characters: it is a word's start even in quotes.
    return Term(found, prefix=not quoted or runs_on(found[-1]))


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split on white space, keeping "quoted runs" (with an operator or minus before them) whole.

    Each token is (text, quoted) where quoted means its value came from quotes.
    """
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        quoted = False
        while i < n and not text[i].isspace():
            if text[i] == '"':
                end = text.find('"', i + 1)
                if end < 0:
                    raise BadInput(OPEN_QUOTE)
                quoted = True
                i = end + 1
            else:
                i += 1
        tokens.append((text[start:i], quoted))
    return tokens


def _unquote(value: str) -> str:
    return value.replace('"', " ")


def _date(op: str, value: str) -> datetime:
    if not _DATE.fullmatch(value):
        raise BadInput(BAD_DATE.format(op=op))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadInput(BAD_DATE.format(op=op)) from None
    return datetime(day.year, day.month, day.day)


def parse(query: str | None) -> SearchQuery:
    """Parse the search box's text; malformed input raises BadInput with one sentence."""
    text = query or ""
    phrases: list[Term] = []
    excluded: list[Term] = []
    senders: list[tuple[str, ...]] = []
    companies: list[tuple[str, ...]] = []
    flags: dict[str, bool] = {}
    before: datetime | None = None
    after: datetime | None = None

    # Each term is one more pass over the index: bounded, so no search keeps the store busy for long.
    if len(text) > LIMITS.search_max_chars:
        raise BadInput(TOO_LONG)
    tokens = _tokens(text)
    if len(tokens) > LIMITS.search_max_terms:
        raise BadInput(TOO_MANY_TERMS)
    for token, quoted in tokens:
        match = _OPERATOR.fullmatch(token)
        # "https://…" is a link being searched for, not an operator.
        if match and not match.group(2).startswith("/"):
            op, value = match.group(1).lower(), _unquote(match.group(2)).strip()
            if op not in OPERATORS:
                raise BadInput(UNKNOWN_OPERATOR.format(op=match.group(1)))
            if op in ("from", "company"):
                name = words(value)
                if not name:
                    raise BadInput(f"Say who after {op}:, like {op}:jane.")
                (senders if op == "from" else companies).append(name)
            elif op == "is":
                if value.lower() not in IS_VALUES:
                    raise BadInput("is: takes unread, inmail, starred or muted.")
                flags[value.lower()] = True
            elif op == "in":
                if value.lower() not in IN_VALUES:
                    raise BadInput("in: takes archived or spam.")
                flags[value.lower()] = True
            elif op == "has":
                if value.lower() not in HAS_VALUES:
                    raise BadInput("has: takes attachment.")
                flags["attachment"] = True
            elif op == "before":
                before = _date(op, value)
            else:
                after = _date(op, value)
            continue
        if token.startswith("-") and len(token) > 1:
            found = words(_unquote(token[1:]))
            if found:
                excluded.append(_term(found, quoted))
            continue
        found = words(_unquote(token))
        if found:
            phrases.append(_term(found, quoted))

    if flags.get("archived") and flags.get("spam"):
        raise BadInput("Search in:archived or in:spam, not both.")
    if before is not None and after is not None and after >= before:
        raise BadInput("after: must be an earlier date than before:.")
    return SearchQuery(
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        senders=tuple(senders),
        companies=tuple(companies),
        before=before,
        after=after,
        **flags,
    )



def snippet(texts: tuple[str, ...], query: SearchQuery) -> str:
    """The words around the first of the query's words found in ``texts`` (a subject, a body…),
    on one line; "" when none holds them (the match was a name or a company)."""
    wanted = {word for term in query.phrases for word in term.words}
    if not wanted:
        return ""
    for text in texts:
        for found in _WORD.finditer(text or ""):
            if not any(word.startswith(part) for word in words(found.group()) for part in wanted):
                continue
            start = max(found.start() - SNIPPET_LEAD, 0)
            if start:
                space = text.find(" ", start, found.start())
                start = space + 1 if space >= 0 else found.start()
            shown = " ".join(text[start:start + SNIPPET_LENGTH].split())
            return ("…" if start else "") + shown
    return ""
