"""Date expressions resolved against the published date (cases written apart from the gold set)."""

from __future__ import annotations

from datetime import date

import pytest

from nlp.components.dates import find_dates

PUBLISHED = date(2026, 5, 20)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "span", "value", "precision"),
    [
        ("The ministers meet on May 18.", "May 18", "2026-05-18", "day"),
        ("It was signed on 3 March 2025.", "3 March 2025", "2025-03-03", "day"),
        ("Guidance is expected by the end of June.", "end of June", "2026-06", "month"),
        ("The talks resume next week.", "next week", "2026-W22", "week"),
        ("Officials met earlier this week.", "earlier this week", "2026-W21", "week"),
        ("The bank said on Monday that it had patched.", "Monday", "2026-05-18", "day"),
        ("The task force will meet on Monday.", "Monday", "2026-05-25", "day"),
        ("Rules take effect in April next year.", "April next year", "2027-04", "month"),
        ("A review is due by the end of the year.", "end of the year", "2026", "year"),
        ("The law passed in 2024.", "2024", "2024", "year"),
        ("Results came yesterday.", "yesterday", "2026-05-19", "day"),
    ],
)
def test_expressions(text: str, span: str, value: str, precision: str) -> None:
    (found,) = find_dates(text, PUBLISHED)
    assert (found.text, found.value, found.precision.value) == (span, value, precision)
    assert text[found.start : found.end] == span


@pytest.mark.parametrize(
    "text",
    [
        "Banks must report within 48 hours.",
        "Tests run every six months.",
        "The rules may change soon.",
        "Reviews take two weeks.",
        "You may apply online.",
    ],
)
def test_durations_frequencies_and_modal_may_are_not_dates(text: str) -> None:
    assert find_dates(text, PUBLISHED) == []


def test_without_a_published_date_relative_expressions_have_no_value() -> None:
    values = {d.text: d.value for d in find_dates("Next week, then on May 18, and in 2027.", None)}
    assert values == {"Next week": None, "May 18": None, "2027": "2027"}
