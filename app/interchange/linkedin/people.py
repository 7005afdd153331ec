"""Who is who in a LinkedIn export: identity keys, handles, names, and text clean-up.

A person is known by their profile URL when the export gives one, else by their
name. Keys are plain strings: ``u:<url>``, ``n:<name>``, ``c:<company>`` (the
sender of sponsored messages) and ``a:<conversation>`` ("LinkedIn Member", one
anonymous member per conversation).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from app.core.plans import LIMITS

HIDDEN_MEMBER = "LinkedIn Member"
ANONYMOUS_PLACEHOLDER = "a:"
SPONSORED_TITLE = "Sponsored Conversation"


def name_key(name: str) -> str:
    return "n:" + " ".join(name.split()).casefold()


def company_key(name: str) -> str:
    return "c:" + " ".join(name.split()).casefold()


@lru_cache(maxsize=1 << 16)  # the owner's URL is on every other row; a contact's on many
def canonical_url(raw: str) -> str:
    """``https://www.linkedin.com/in/<slug>`` for profile URLs; other URLs tidied."""
    text = raw.strip()
    if not text:
        return ""
    parts = urlsplit(text if "//" in text else "https://" + text)
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    path = unquote(parts.path).rstrip("/")
    if host.endswith("linkedin.com"):
        host = "www.linkedin.com"
        path = path.lower()
    return f"https://{host}{path}"


def url_key(url: str) -> str:
    return "u:" + url


def split_urls(text: str) -> list[str]:
    return [canonical_url(part) for part in re.split(r"[;,]", text) if part.strip()]


# Credentials and suffixes that follow a name after a comma: "Ben Okafor, MBA,PMP" is one person.
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "cpa", "pmp", "esq", "msc", "bsc", "ma", "ba",
             "leed", "cfa", "cissp", "ceng", "dds", "rn", "pe", "shrm-cp", "shrm-scp", "acca", "aca", "frsa"}


def is_credential(part: str) -> bool:
    """Whether a piece of a TO cell reads as credentials ("PMP", "LEED AP", "CPA (Inactive)"),
    not as someone's name."""
    words = [w.replace(".", "") for w in part.split() if not w.startswith("(") and not w.endswith(")")]
    return bool(words) and all(
        w[:1].isalpha() and (w.lower() in _SUFFIXES or (w.isupper() and len(w) <= 6)) for w in words
    )


def _pieces(text: str) -> list[str]:
    """A TO cell cut at each bare comma (no space after it, not inside parentheses)."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0 and text[i + 1:i + 2] not in (" ", "\t", "\xa0"):
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def split_names(text: str, expected: int | None = None, known: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The people of a TO cell, separated by ``;`` or by a bare comma.

    A comma followed by a space, a comma inside parentheses, or a bare comma before a
    credential ("MBA,PMP") belongs to a name. ``expected`` (the number of profile URLs,
    when the file gives them) is how many people there are; ``known`` (names as
    ``name_key`` gives them, seen elsewhere in the export) are preferred whole.
    """
    text = text.strip()
    if not text:
        return []
    if expected == 1:
        return [text]
    if ";" in text:
        parts = [p.strip() for p in text.split(";") if p.strip()]
        if expected is None or len(parts) == expected:
            return parts
        text = ",".join(parts)
    pieces = _pieces(text)
    if expected is not None and expected >= len(pieces):
        return pieces
    return _grouped(pieces, expected, known)


def _grouped(pieces: list[str], expected: int | None, known: frozenset[str] | set[str]) -> list[str]:
    """The pieces joined into names: the grouping that reads best, into ``expected`` names if given."""
    count = len(pieces)

    def score(first: int, last: int) -> int:
        name = ",".join(pieces[first:last])
        if name_key(name) in known:
            return 4
        if last - first == 1:
            return 1 if not is_credential(pieces[first]) else -1
        return 1 if all(is_credential(p) for p in pieces[first + 1:last]) else -3

    # best[i][k]: the best score of the first i pieces made into k names, and where its last name starts.
    limit = expected if expected is not None else count
    best: list[dict[int, tuple[int, int]]] = [{} for _ in range(count + 1)]
    best[0][0] = (0, 0)
    for end in range(1, count + 1):
        for start in range(end):
            for names, (total, _) in best[start].items():
                if names + 1 > limit:
                    continue
                candidate = total + score(start, end)
                if names + 1 not in best[end] or candidate > best[end][names + 1][0]:
                    best[end][names + 1] = (candidate, start)
    names = expected if expected in best[count] else max(best[count], key=lambda k: (best[count][k][0], k))
    out = []
    end = count
    while end:
        start = best[end][names][1]
        out.append(",".join(pieces[start:end]))
        end, names = start, names - 1
    return out[::-1]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    # Leave room for a "-NN" suffix that keeps handles unique.
    return slug[: LIMITS.handle_max - 4].strip("-")


def handle_base(url: str, name: str) -> str:
    """A stable handle: the profile URL's slug, else the name, else "member"."""
    if url:
        path = urlsplit(url).path.rstrip("/")
        slug = _slug(path.rsplit("/", 1)[-1])
        if slug:
            return slug
    return _slug(name) or "member"


def unique_handle(base: str, taken: set[str]) -> str:
    handle = base
    number = 2
    while handle in taken:
        handle = f"{base}-{number}"
        number += 1
    taken.add(handle)
    return handle


def anonymous_handle(conversation_key: str) -> str:
    digest = hashlib.blake2b(conversation_key.encode("utf-8"), digest_size=5).hexdigest()
    return f"linkedin-member-{digest}"
