"""The gazetteer data: consistent, unambiguous without a rule, big enough."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nlp.gazetteer_data import GazetteerError, default_gazetteer, load_gazetteer


def test_bundled_gazetteer_is_consistent() -> None:
    gazetteer = default_gazetteer()
    assert len(gazetteer.entries) >= 400
    assert gazetteer.ambiguous_without_rule() == {}
    labels = Counter(entry.label.value for entry in gazetteer.entries.values())
    assert set(labels) == {"PERSON", "GOV_BODY", "INTL_BODY", "COMPANY", "AI_MODEL", "COUNTRY"}
    names = {entry.name for entry in gazetteer.entries.values()}
    for entry in gazetteer.entries.values():
        assert entry.parent is None or entry.parent in gazetteer.entries, entry.id
        assert entry.affiliation is None or entry.affiliation in names, entry.id


def test_an_alias_on_two_entries_without_a_rule_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "entries:\n"
        "  - {id: us-treasury, name: U.S. Department of the Treasury, label: GOV_BODY, aliases: [Treasury]}\n"
        "  - {id: gb-treasury, name: HM Treasury, label: GOV_BODY, aliases: [Treasury]}\n",
        encoding="utf-8",
    )
    gazetteer = load_gazetteer(tmp_path)
    assert gazetteer.ambiguous_without_rule() == {"Treasury": ["us-treasury", "gb-treasury"]}
    (tmp_path / "disambiguation.yaml").write_text(
        "ambiguous:\n  - alias: Treasury\n    default: us-treasury\n    rules:\n"
        "      - {entry: gb-treasury, context_any: [Britain, Chancellor]}\n",
        encoding="utf-8",
    )
    gazetteer = load_gazetteer(tmp_path)
    assert gazetteer.ambiguous_without_rule() == {}
    assert gazetteer.resolve("Treasury", "the Chancellor said").id == "gb-treasury"  # type: ignore[union-attr]
    assert gazetteer.resolve("Treasury", "Secretary Bessent said").id == "us-treasury"  # type: ignore[union-attr]


def test_bad_data_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "entries:\n  - {id: x, name: X, label: NOT_A_LABEL}\n", encoding="utf-8"
    )
    with pytest.raises(GazetteerError, match=r"bad\.yaml"):
        load_gazetteer(tmp_path)
