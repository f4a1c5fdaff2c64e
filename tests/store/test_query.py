"""The search-box parser: what people type never reaches FTS5 as syntax."""

from __future__ import annotations

import pytest

from policyradar.store.query import Term, parse_query, to_fts5


def test_words_phrases_or_and_exclusions() -> None:
    parsed = parse_query('cyber "Claude Mythos" FSA OR BOJ -sports -"press release"')
    assert parsed.groups == (
        (Term("cyber"),),
        (Term("Claude Mythos", phrase=True),),
        (Term("FSA"), Term("BOJ")),
    )
    assert parsed.excluded == (Term("sports"), Term("press release", phrase=True))
    assert to_fts5(parsed) == (
        '("cyber" AND "Claude Mythos" AND ("FSA" OR "BOJ")) NOT ("sports" OR "press release")'
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("NEAR(", '"NEAR("'),
        ('"unbalanced', '"unbalanced"'),
        ("AND", '"AND"'),
        ("OR", '"OR"'),
        ("OPS-306", '"OPS-306"'),
        ("title:", '"title:"'),
        ('say "hi', '"say" AND "hi"'),
        ('a""b', '"a" AND "b"'),
        ("cyber AND banks", '"cyber" AND "banks"'),
        ('x "y""z"', '"x" AND "y" AND "z"'),
        ('embedded"quote', '"embedded" AND "quote"'),
    ],
)
def test_hostile_input_becomes_literal_strings(typed: str, expected: str) -> None:
    assert to_fts5(parse_query(typed)) == expected


@pytest.mark.parametrize("typed", ["", "   ", "*", ")", "-", "-cyber", "()", "**"])
def test_nothing_positive_is_empty(typed: str) -> None:
    assert parse_query(typed).is_empty
    assert to_fts5(parse_query(typed)) == ""


def test_doubled_quotes_inside_terms_are_escaped() -> None:
    # Only reachable with curly + straight mixes; the FTS5 string must stay closed.
    rendered = to_fts5(parse_query('“a"b”'))
    assert rendered.count('"') % 2 == 0


def test_ignored_terms_are_explained() -> None:
    parsed = parse_query("* cyber")
    assert parsed.groups == ((Term("cyber"),),)
    assert any("'*'" in note for note in parsed.notes)
