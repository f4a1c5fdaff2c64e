"""Show corpus text safely: everything from documents is escaped, links are http(s) only.

Document titles, snippets and quotes come from the open web and may carry HTML, Markdown or
``javascript:`` links. The dashboard never passes corpus text to ``st.html`` or
``unsafe_allow_html``; where it uses Markdown (for highlights and links) the text goes through
:func:`md_escape` and URLs through :func:`safe_url`. Reads no settings.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def md_escape(text: str | None) -> str:
    """Text -> Markdown that renders as exactly that text (no markup, no HTML, no math)."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, percent-encoded for a Markdown link; else None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?&=#%@+,;~!$*'[]").replace("(", "%28").replace(")", "%29")


def md_link(label: str, url: str | None) -> str:
    """A Markdown link when the URL is safe, otherwise the escaped label alone."""
    target = safe_url(url)
    text = md_escape(label) or "link"
    return f"[{text}]({target})" if target else text


def highlighted(snippet: str, highlights: list[tuple[int, int]]) -> str:
    """A snippet as escaped Markdown with its highlighted ranges in bold."""
    out: list[str] = []
    position = 0
    for start, end in sorted(highlights):
        if start < position or end > len(snippet) or start >= end:
            continue
        out.append(md_escape_keep_spaces(snippet[position:start]))
        out.append("**" + md_escape_keep_spaces(snippet[start:end]) + "**")
        position = end
    out.append(md_escape_keep_spaces(snippet[position:]))
    return "".join(out)


def md_escape_keep_spaces(text: str) -> str:
    """Like :func:`md_escape` but keeps the edges' spaces, for joining pieces."""
    collapsed = re.sub(r"\s+", " ", text)
    return _MD_SPECIAL.sub(r"\\\1", collapsed)
