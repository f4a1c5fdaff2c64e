"""Dates: every calendar expression, resolved against the document's published date.

Values are ISO 8601 at the expression's precision: ``2026-05-18`` (day), ``2026-W21`` (ISO
week), ``2026-05`` (month), ``2026`` (year). "end of May", "early June" take the month's value;
"end of the year" the year's. Weekday names resolve to the nearest such day, in the past unless
the sentence speaks of the future ("will", "is due to", "next"). Durations and frequencies
("two weeks", "every six months") and vague times ("soon") are not dates. Spans leave out the
preposition ("on Monday" -> ``Monday``). Without a published date, relative expressions and
day-months without a year get no value.

``policyradar_dates`` is the spaCy factory; it reads ``doc._.published``. Reads no settings.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from policyradar.models import DateMention, DatePrecision

if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)
if not Doc.has_extension("pr_dates"):
    Doc.set_extension("pr_dates", default=[])

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
YEAR = r"(?P<year>(?:19|20)\d{2})"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
MODIFIER = r"(?:(?:end|beginning|start|middle)\s+of|early|mid-?|late|later\s+in)"
_FUTURE = re.compile(
    r"\b(will|shall|is due|are due|is set to|are set to|is to|are to|scheduled|next)\b", re.I
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("month_day", re.compile(rf"\b{MONTH}\s+{DAY}\b(?:,?\s+{YEAR})?")),
    ("day_month", re.compile(rf"\b{DAY}\s+{MONTH}(?:\s+{YEAR})?\b")),
    ("mod_month", re.compile(rf"\b{MODIFIER}\s*{MONTH}(?:\s+{YEAR}|\s+(?P<next>next year))?\b")),
    ("month_year", re.compile(rf"\b{MONTH}\s+{YEAR}\b")),
    ("month_next_year", re.compile(rf"\b{MONTH}\s+next year\b")),
    (
        "rel_year",
        re.compile(
            r"\b(?:end of the year|(?:later|earlier) this year|this year|next year|last year)\b",
            re.I,
        ),
    ),
    (
        "rel_month",
        re.compile(r"\b(?:(?:later|earlier) this month|this month|next month|last month)\b", re.I),
    ),
    (
        "rel_week",
        re.compile(r"\b(?:(?:later|earlier) this week|this week|next week|last week)\b", re.I),
    ),
    ("rel_day", re.compile(r"\b(?:today|yesterday|tomorrow)\b", re.I)),
    ("weekday", re.compile(r"\b(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b")),
    (
        "month",
        re.compile(
            rf"\b(?:in|by|since|until|from|during|through|before|after|of|for|the)\s+(?P<span>{MONTH})(?![\w-])"
        ),
    ),
    ("month", re.compile(rf"(?<![\w-])(?P<span>{MONTH})(?![\w-])")),
    (
        "year",
        re.compile(
            rf"\b(?:in|by|since|until|from|during|through|before|after|of|for)\s+(?P<span>{YEAR})\b(?![-/%])"
        ),
    ),
]
# A bare "May" is the month only with a day, a year or a preposition (handled above).
_BARE_MONTH_OK = {name for name in _MONTHS if name not in ("May", "Mar", "Jun", "Sep", "Dec")}


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left + 1 : right]


def _resolve(
    kind: str, match: re.Match[str], text: str, published: date | None
) -> tuple[str | None, DatePrecision]:
    groups = match.groupdict()
    base_year = published.year if published else None
    year = int(groups["year"]) if groups.get("year") else base_year
    if kind == "iso":
        try:
            return date(
                int(groups["y"]), int(groups["m"]), int(groups["d"])
            ).isoformat(), DatePrecision.DAY
        except ValueError:
            return None, DatePrecision.DAY
    if kind in ("month_day", "day_month"):
        if year is None:
            return None, DatePrecision.DAY
        try:
            return date(
                year, _MONTHS[groups["month"]], int(groups["day"])
            ).isoformat(), DatePrecision.DAY
        except ValueError:
            return None, DatePrecision.DAY
    if kind in ("mod_month", "month_year", "month_next_year", "month"):
        if kind == "month_next_year" or groups.get("next"):
            year = base_year + 1 if base_year else None
        if year is None:
            return None, DatePrecision.MONTH
        return f"{year}-{_MONTHS[groups['month']]:02d}", DatePrecision.MONTH
    if kind == "year":
        return groups["year"], DatePrecision.YEAR
    if published is None:
        return None, DatePrecision.DAY
    phrase = match.group(0).lower()
    if kind == "rel_year":
        shift = 1 if "next" in phrase else -1 if "last" in phrase else 0
        return str(published.year + shift), DatePrecision.YEAR
    if kind == "rel_month":
        shift = 1 if "next" in phrase else -1 if "last" in phrase else 0
        y, m = _add_months(published.year, published.month, shift)
        return f"{y}-{m:02d}", DatePrecision.MONTH
    if kind == "rel_week":
        shift = 7 if "next" in phrase else -7 if "last" in phrase else 0
        return _iso_week(published + timedelta(days=shift)), DatePrecision.WEEK
    if kind == "rel_day":
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[phrase.lower()]
        return (published + timedelta(days=shift)).isoformat(), DatePrecision.DAY
    # weekday: nearest such day, future when the sentence speaks of the future
    target = _WEEKDAYS.index(groups["weekday"])
    # The clause that governs "on Monday" comes before it: "said on Monday that ... will" is
    # past, "will meet on Monday" is future.
    sentence = _sentence_around(text, match.start(), match.end())
    left = sentence[: max(0, sentence.find(groups["weekday"]))]
    future = bool(_FUTURE.search(left))
    delta = (target - published.weekday()) % 7
    if future:
        day = published + timedelta(days=delta)
    else:
        day = published - timedelta(days=(published.weekday() - target) % 7)
    return day.isoformat(), DatePrecision.DAY


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every date expression in ``text`` with its resolved value (see the module docstring)."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("span") if "span" in match.groupdict() else match.span()
            if (
                kind == "month"
                and match.start() == start
                and match.group("month") not in _BARE_MONTH_OK
            ):
                continue  # a bare "May", "Mar"...: the month only after a preposition
            if any(start < b and a < end for a, b in taken):
                continue
            value, precision = _resolve(kind, match, text, published)
            taken.append((start, end))
            found.append(
                DateMention(
                    text=text[start:end], start=start, end=end, value=value, precision=precision
                )
            )
    found.sort(key=lambda mention: mention.start)
    return found


@Language.factory("policyradar_dates", assigns=["doc._.pr_dates"])
def make_dates(nlp: Language, name: str) -> DateFinder:
    """spaCy factory: date expressions resolved against ``doc._.published``."""
    return DateFinder()


class DateFinder:
    """The component behind ``policyradar_dates``."""

    def __call__(self, doc: Doc) -> Doc:
        """Store the doc's resolved dates in ``doc._.pr_dates``."""
        doc._.pr_dates = find_dates(doc.text, doc._.published)
        return doc
