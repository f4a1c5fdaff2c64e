"""The search-box language: what a person types, parsed safely for every backend.

Supported: plain words (all must match), ``"quoted phrases"``, ``OR`` between two terms,
``-word`` / ``-"phrase"`` to exclude. Everything else is literal text: FTS5 operators
(``NEAR(``, ``AND``, ``*``, ``title:``, parentheses) are never passed through, so no input can
raise a syntax error. Backends render a :class:`ParsedQuery` into their own syntax
(:func:`to_fts5` for SQLite). Reads no settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# unicode61 (FTS5's tokenizer) treats letters, digits and private-use characters as token
# characters; a term without any of them would become an empty FTS5 phrase.
_TOKEN_CHAR = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Term:
    """One word or phrase as typed (never containing syntax)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """All ``groups`` must match (each group is an OR of terms); no ``excluded`` term may."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    raw: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        """True when nothing positive is left to search for."""
        return not self.groups

    @property
    def positive_terms(self) -> list[Term]:
        """Every term that can match, for highlighting."""
        return [term for group in self.groups for term in group]


def _scan(text: str) -> list[tuple[str, bool, bool]]:
    """Split into (token, is_phrase, is_excluded), honouring balanced double quotes only."""
    tokens: list[tuple[str, bool, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        excluded = False
        start = i
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            excluded = True
            i += 1
        if i < n and text[i] in '"“”':
            close = _find_closing_quote(text, i + 1)
            if close != -1:
                tokens.append((text[i + 1 : close], True, excluded))
                i = close + 1
                continue
            i += 1  # an unbalanced quote is just a character; read the rest as words
            if i >= n or text[i].isspace():
                continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in '"“”':
            j += 1
        word = text[i:j]
        if not word and excluded:
            word = text[start:j]
            excluded = False
        if word:
            tokens.append((word, False, excluded))
        i = j if j > i else i + 1
    return tokens


def _find_closing_quote(text: str, start: int) -> int:
    for k in range(start, len(text)):
        if text[k] in '"“”':
            return k
    return -1


def _searchable(text: str) -> bool:
    return bool(_TOKEN_CHAR.search(text))


def parse_query(text: str) -> ParsedQuery:
    """Parse what a person typed into a :class:`ParsedQuery`; never raises.

    >>> parse_query('cyber "Claude Mythos" -sports').groups
    ((Term(text='cyber', phrase=False),), (Term(text='Claude Mythos', phrase=True),))
    >>> parse_query("FSA OR BOJ").groups
    ((Term(text='FSA', phrase=False), Term(text='BOJ', phrase=False)),)
    """
    scanned = _scan(text or "")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    notes: list[str] = []
    join_next = False
    for index, (token, phrase, is_excluded) in enumerate(scanned):
        is_operator = not phrase and not is_excluded and token in ("OR", "AND")
        has_left = bool(groups) and index > 0
        has_right = index + 1 < len(scanned) and not scanned[index + 1][2]
        if is_operator and has_left and has_right:
            # AND between terms is what a space already means; only OR changes the grouping.
            join_next = token == "OR"  # noqa: S105 - an operator, not a password
            continue
        term = Term(token, phrase)
        if not _searchable(token):
            notes.append(f"ignored {token!r}: it has no letters or digits")
            join_next = False
            continue
        if is_excluded:
            excluded.append(term)
        elif join_next and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return ParsedQuery(
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        raw=text or "",
        notes=tuple(notes),
    )


def _fts5_string(term: Term) -> str:
    # A double-quoted FTS5 string is tokenized as a phrase: operators inside it are literal.
    return '"' + term.text.replace('"', '""') + '"'


def to_fts5(query: ParsedQuery) -> str:
    """Render a parsed query as an FTS5 MATCH expression (empty string when nothing to match)."""
    if query.is_empty:
        return ""
    clauses = []
    for group in query.groups:
        rendered = " OR ".join(_fts5_string(term) for term in group)
        clauses.append(f"({rendered})" if len(group) > 1 else rendered)
    expression = " AND ".join(clauses)
    if query.excluded:
        negative = " OR ".join(_fts5_string(term) for term in query.excluded)
        expression = f"({expression}) NOT ({negative})"
    return expression
