"""Who is who in a LinkedIn export: identity keys, handles, names, and text clean-up.

A person is known by their profile URL when the export gives one, else by their
name. Keys are plain strings: ``u:<url>``, ``n:<name>``, ``c:<company>`` (the
sender of sponsored messages) and ``a:<conversation>`` ("LinkedIn Member", one
anonymous member per conversation).
"""

from __future__ import annotations

import hashlib
import html
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


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "cpa", "pmp", "esq", "msc", "bsc", "ma", "ba"}


def _is_name_suffix(part: str) -> bool:
    bare = part.replace(".", "").strip()
    return " " not in bare and (bare.lower() in _SUFFIXES or (bare.isupper() and len(bare) <= 5))


def split_names(text: str, expected: int | None = None) -> list[str]:
    """Names from a TO cell: separated by ``;`` or ``,``, keeping "Jane Smith, MBA" whole."""
    text = text.strip()
    if not text:
        return []
    if expected == 1:
        return [text]
    separator = ";" if ";" in text else ","
    names: list[str] = []
    for part in (p.strip() for p in text.split(separator)):
        if not part:
            continue
        if names and separator == "," and _is_name_suffix(part):
            names[-1] += ", " + part
        else:
            names.append(part)
    return names


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


# --- message text -------------------------------------------------------------------------

_SYSTEM_EXACT = {
    "message request accepted",
    "you accepted the message request",
    "this message has been deleted.",
}
_SYSTEM_PATTERN = re.compile(
    r"^.{1,200} (left|joined|was added to|was removed from) the conversation\.?$", re.DOTALL
)


_SYSTEM_EXACT_LONGEST = max(len(text) for text in _SYSTEM_EXACT)


def is_system_text(content: str) -> bool:
    # System lines are short, and the longer ones end with "conversation": most
    # messages are ruled out by their length or their last characters alone.
    if len(content) > 240:
        return False
    if (len(content) > _SYSTEM_EXACT_LONGEST and "conversation" not in content[-40:]
            and not content[0].isspace() and not content[-1].isspace()):
        return False
    text = content.strip()
    return text.lower() in _SYSTEM_EXACT or (
        text.endswith(("conversation", "conversation.")) and bool(_SYSTEM_PATTERN.match(text))
    )


_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;")
_DROP_BLOCKS = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_LINE_BREAKS = re.compile(r"<\s*br\s*/?\s*>|<\s*/\s*(p|div|h[1-6]|li|tr|table|ul|ol)\s*>", re.IGNORECASE)
_LIST_ITEMS = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_LINKS = re.compile(r"<\s*a\b[^>]*href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)<\s*/\s*a\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")


def html_to_text(content: str) -> str:
    """Sponsored messages arrive as HTML; keep their words, links and paragraph breaks."""
    if not _LOOKS_LIKE_HTML.search(content):
        return content
    text = _DROP_BLOCKS.sub("", content)
    text = _LINKS.sub(lambda m: m.group(2) if m.group(1) in m.group(2) else f"{m.group(2)} ({m.group(1)})", text)
    text = text.replace("\r\n", " ").replace("\n", " ")
    text = _LINE_BREAKS.sub("\n", text)
    text = _LIST_ITEMS.sub("• ", text)
    text = html.unescape(_TAGS.sub("", text)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fill_placeholders(text: str, first_name: str, last_name: str) -> str:
    """LinkedIn's mail-merge fields, filled with the export owner's name."""
    if "%" not in text:
        return text
    return (
        text.replace("%FIRSTNAME%", first_name or "there")
        .replace("%LASTNAME%", last_name)
        .replace("%FULLNAME%", f"{first_name} {last_name}".strip() or "there")
    )
