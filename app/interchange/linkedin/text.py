"""Message text as a LinkedIn export holds it: system lines, sponsored HTML, mail-merge fields."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A row whose CONTENT is empty held an attachment, a shared post or a sticker: the export
# keeps none of them, but the message was there and stays, at its time.
NO_TEXT = "(no text: an attachment or shared item)"

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
    if len(content) > 240 or not content:
        return False
    if (len(content) > _SYSTEM_EXACT_LONGEST and "conversation" not in content[-40:]
            and not content[0].isspace() and not content[-1].isspace()):
        return False
    text = content.strip()
    return text.lower() in _SYSTEM_EXACT or (
        text.endswith(("conversation", "conversation.")) and bool(_SYSTEM_PATTERN.match(text))
    )


# --- HTML -------------------------------------------------------------------------------

_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#x?[0-9a-fA-F]+;")
_BLOCKS = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol",
                     "blockquote", "section", "article", "header", "footer"})
_HIDDEN = frozenset({"script", "style", "head", "title"})


def looks_like_html(content: str) -> bool:
    """Whether the text carries HTML markup or character entities."""
    return ("<" in content or "&" in content) and bool(_LOOKS_LIKE_HTML.search(content))


class _TextOfHtml(HTMLParser):
    """The words of an HTML message, paragraphs as lines, each link as its text and its URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [[]]
        self.hidden = 0
        self.links: list[tuple[str, int]] = []  # (href, where its text starts in the current line)

    def _break(self) -> None:
        if "".join(self.lines[-1]).strip():
            self.lines.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.lines[-1])))
        elif tag in _BLOCKS:
            self._break()
            if tag == "li":
                self.lines[-1].append("• ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.lines.append([])
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.lines[-1][start:])
            if href.startswith(("http://", "https://", "mailto:", "www.")) and href not in words:
                self.lines[-1].append(f" ({href})" if words.strip() else href)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1].append(data)

    def text(self) -> str:
        lines = [" ".join("".join(parts).replace("\xa0", " ").split()) for parts in self.lines]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(content: str) -> str:
    """Sponsored messages arrive as HTML; keep their words, links and paragraph breaks."""
    if not looks_like_html(content):
        return content
    parser = _TextOfHtml()
    parser.feed(content)
    parser.close()
    return parser.text()


# --- mail-merge fields ------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%([A-Z][A-Z0-9_]*)%")

# What a field says when the owner's profile does not tell: words that read naturally.
_NEUTRAL = {
    "FIRSTNAME": "there",
    "FULLNAME": "there",
    "NAME": "there",
    "COMPANYNAME": "your company",
    "COMPANY": "your company",
    "JOBTITLE": "professional",
    "TITLE": "professional",
    "INDUSTRY": "your industry",
    "LOCATION": "your area",
    "CITY": "your city",
    "COUNTRY": "your country",
}


def has_placeholder(content: str) -> bool:
    return "%" in content and bool(PLACEHOLDER.search(content))


def fill_placeholders(text: str, profile: dict[str, str]) -> str:
    """LinkedIn's mail-merge fields (``%FIRSTNAME%``, ``%COMPANYNAME%``…), filled from the
    owner's profile where it tells, else with neutral words; none is ever left raw."""
    if "%" not in text:
        return text

    def fill(match: re.Match[str]) -> str:
        field = match.group(1)
        return profile.get(field) or _NEUTRAL.get(field, "")

    filled = PLACEHOLDER.sub(fill, text)
    # A field filled with nothing leaves no doubled space or space before punctuation.
    return re.sub(r"[ \t]+([,.!?;:])", r"\1", re.sub(r"[ \t]{2,}", " ", filled))
