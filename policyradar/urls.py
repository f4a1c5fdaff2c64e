"""URL canonicalisation: one key per article, whatever variant of its address was seen.

Strips tracking parameters (``utm_*``, ``fbclid``...), fragments, AMP variants and trailing-slash
differences, lowercases scheme and host, drops default ports and sorts the query
(w3lib's canonicalisation). Reads no settings.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|cmpid|ocid|taid)$",
    re.IGNORECASE,
)
_AMP_PARAMS = {"amp", "outputtype", "output"}
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)|\.amp(?=\.html?$|$)", re.IGNORECASE)


def canonicalize(url: str) -> str:
    """Return the canonical form of ``url`` used as the document key.

    >>> canonicalize("HTTPS://Example.org:443/news/a/?utm_source=x&b=2&a=1#top")
    'https://example.org/news/a?a=1&b=2'
    >>> canonicalize("https://example.org/news/a/amp/")
    'https://example.org/news/a'
    """
    parts = urlsplit(url.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(key)
        and not (key.lower() in _AMP_PARAMS and value.lower() in ("", "1", "amp", "true"))
    ]
    path = _AMP_SEGMENT.sub("", parts.path) or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    host = (parts.hostname or "").lower()
    if host.startswith("amp."):
        host = host[4:]
    port = parts.port
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if port is None or port == default_port else f"{host}:{port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" if port is None or port == default_port else f"[{host}]:{port}"
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))
    canonical: str = canonicalize_url(rebuilt, keep_fragments=False)
    if canonical.endswith("/") and urlsplit(canonical).path not in ("", "/"):
        canonical = canonical.rstrip("/")
    return canonical
