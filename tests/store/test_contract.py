"""The Store contract: every backend must pass these, unchanged."""

from __future__ import annotations

from datetime import date

import pytest

from policyradar.models import Annotations, Document, Entity, Measure, Mention, Quote
from policyradar.store.base import (
    MeasureQuery,
    SearchFilters,
    SearchQuery,
    SortOrder,
    Store,
    TimelineInterval,
    TimelineQuery,
    UpsertStatus,
)

HOSTILE_QUERIES = ["NEAR(", '"unbalanced', "AND", "OPS-306", "*", "title:", ")", "(", "^", "-"]


def doc(doc_id: str, text: str, **fields: object) -> Document:
    return Document.model_validate({"id": doc_id, "text": text, **fields})


def seed(store: Store) -> None:
    store.upsert_many(
        [
            doc(
                "jp-1",
                "Japan seeks access to Claude Mythos for cyber defence. Ticket OPS-306.",
                title="Mythos access talks",
                published="2026-05-12",
                country="JP",
                source_kind="government",
                language="en",
                canonical_url="https://a.example/1",
            ),
            doc(
                "jp-2",
                "The FSA set up a working group with the megabanks on AI cyber threats.",
                title="FSA working group",
                published="2026-05-14",
                country="JP",
                source_kind="regulator",
                language="en",
            ),
            doc(
                "g7-1",
                "G7 finance ministers in Paris discussed AI cyber risk to banks.",
                title="G7 Paris",
                published="2026-05-20",
                country="FR",
                source_kind="g7",
                language="en",
            ),
            doc(
                "uk-1",
                "The NCSC warned that cyber attackers exploit flaws faster with AI tools.",
                title="NCSC warning",
                published="2026-04-28",
                country="GB",
                source_kind="government",
                language="en",
            ),
            doc(
                "fr-1",
                "Le G7 a discuté des risques cyber liés à l'IA.",
                title="G7 (fr)",
                published="2026-05-21",
                country="FR",
                source_kind="press",
                language="fr",
            ),
            doc("nodate", "An undated note about cyber resilience.", title="Undated"),
        ]
    )
    store.save_annotations(
        [
            Annotations(
                id="jp-1",
                pipeline="test/1",
                entities=[
                    Entity(
                        label="COUNTRY",
                        name="Japan",
                        mentions=[Mention(start=0, end=5, text="Japan")],
                    ),
                    Entity(label="AI_MODEL", name="Claude Mythos"),
                ],
                measures=[Measure(type="model_access", start=0, end=10, text="Japan seeks")],
            ),
            Annotations(
                id="jp-2",
                pipeline="test/1",
                entities=[
                    Entity(
                        label="GOV_BODY",
                        name="Financial Services Agency",
                        mentions=[Mention(start=4, end=7, text="FSA")],
                        attrs={"country": "JP"},
                    ),
                    Entity(label="COUNTRY", name="Japan"),
                ],
                measures=[Measure(type="working_group", start=0, end=10, text="The FSA set")],
                quotes=[
                    Quote(speaker="Financial Services Agency", start=0, end=10, text="We act now")
                ],
            ),
        ]
    )


def test_upsert_is_idempotent_and_versions_changes(store: Store) -> None:
    first = store.upsert(doc("a", "original text", canonical_url="https://x.example/a"))
    again = store.upsert(doc("a", "original   text", canonical_url="https://x.example/a"))
    edited = store.upsert(doc("a", "edited text", canonical_url="https://x.example/a"))
    assert (first.status, again.status, edited.status) == (
        UpsertStatus.NEW,
        UpsertStatus.UNCHANGED,
        UpsertStatus.CHANGED,
    )
    assert store.count() == 1
    stored = store.get("a")
    assert stored is not None and stored.text == "edited text" and stored.version == 2
    versions = store.get_versions("a")
    assert [v.text for v in versions] == ["original text", "edited text"]
    assert [v.version for v in versions] == [1, 2]


def test_upsert_matches_on_canonical_url_when_ids_differ(store: Store) -> None:
    store.upsert(doc("first-id", "same story", canonical_url="https://x.example/story"))
    result = store.upsert(doc("other-id", "same story", canonical_url="https://x.example/story"))
    assert result.status is UpsertStatus.UNCHANGED and result.id == "first-id"
    assert store.count() == 1 and store.get("other-id") is None


def test_get_missing_is_none(store: Store) -> None:
    assert store.get("nope") is None
    assert store.get_versions("nope") == []
    assert store.get_annotations("nope") is None


def test_iter_untagged_follows_pipeline_and_versions(store: Store) -> None:
    seed(store)
    untagged = {d.id for d in store.iter_untagged("test/1", batch_size=2)}
    assert untagged == {"g7-1", "uk-1", "fr-1", "nodate"}
    assert len({d.id for d in store.iter_untagged("test/2")}) == 6
    store.upsert(doc("jp-1", "Japan secured access to Claude Mythos.", published="2026-05-12"))
    assert "jp-1" in {d.id for d in store.iter_untagged("test/1")}
    assert store.get_annotations("jp-1") is None


def test_annotations_round_trip(store: Store) -> None:
    seed(store)
    saved = store.get_annotations("jp-2")
    assert saved is not None
    assert saved.entities[0].name == "Financial Services Agency"
    assert saved.measures[0].type.value == "working_group"


def test_search_ranks_highlights_and_pages(store: Store) -> None:
    seed(store)
    result = store.search(SearchQuery(text="cyber", limit=2))
    assert result.total == 6
    assert len(result.hits) == 2
    hit = result.hits[0]
    assert any(hit.snippet[s:e].lower().startswith("cyber") for s, e in hit.highlights)
    page2 = store.search(SearchQuery(text="cyber", limit=2, offset=2))
    assert not {h.id for h in page2.hits} & {h.id for h in result.hits}


def test_search_phrase_or_and_exclusion(store: Store) -> None:
    seed(store)
    assert {h.id for h in store.search(SearchQuery(text='"Claude Mythos"')).hits} == {"jp-1"}
    assert {h.id for h in store.search(SearchQuery(text="NCSC OR Paris")).hits} == {"uk-1", "g7-1"}
    assert "g7-1" not in {h.id for h in store.search(SearchQuery(text="cyber -paris")).hits}
    assert {h.id for h in store.search(SearchQuery(text="OPS-306")).hits} == {"jp-1"}


@pytest.mark.parametrize("typed", HOSTILE_QUERIES)
def test_hostile_queries_never_raise(store: Store, typed: str) -> None:
    seed(store)
    result = store.search(SearchQuery(text=typed))
    assert result.total >= 0
    assert result.total < 6 or typed == "AND"


def test_empty_query_returns_guidance_not_every_row(store: Store) -> None:
    seed(store)
    for typed in ("", "   ", "*"):
        result = store.search(SearchQuery(text=typed))
        assert result.total == 0 and result.hits == []
        assert result.message and "search" in result.message.lower()


def test_filters_narrow_and_facets_count(store: Store) -> None:
    seed(store)
    everything = store.search(SearchQuery(text="cyber"))
    countries = {f.value: f.count for f in everything.facets["country"]}
    assert countries == {"JP": 2, "FR": 2, "GB": 1}
    assert {f.value: f.count for f in everything.facets["measure_type"]} == {
        "model_access": 1,
        "working_group": 1,
    }
    assert everything.facets["entity:AI_MODEL"][0].value == "Claude Mythos"

    def ids(filters: SearchFilters, text: str = "cyber") -> set[str]:
        return {h.id for h in store.search(SearchQuery(text=text, filters=filters)).hits}

    assert ids(SearchFilters(countries=["JP"])) == {"jp-1", "jp-2"}
    assert ids(SearchFilters(source_kinds=["g7", "regulator"])) == {"g7-1", "jp-2"}
    assert ids(SearchFilters(countries=["GB"])) == {"uk-1"}
    assert ids(SearchFilters(date_from=date(2026, 5, 13), date_to=date(2026, 5, 20))) == {
        "jp-2",
        "g7-1",
    }
    assert ids(SearchFilters(entity_names=["Financial Services Agency"])) == {"jp-2"}
    assert ids(SearchFilters(entity_labels=["AI_MODEL"])) == {"jp-1"}
    assert ids(SearchFilters(measure_types=["working_group", "model_access"])) == {"jp-1", "jp-2"}
    assert ids(SearchFilters(languages=["fr"]), text="cyber OR G7") == {"fr-1"}
    narrowed = store.search(SearchQuery(text="cyber", filters=SearchFilters(countries=["JP"])))
    assert {f.value for f in narrowed.facets["country"]} == {"JP"}


def test_filters_without_words_browse_newest_first(store: Store) -> None:
    seed(store)
    result = store.search(SearchQuery(filters=SearchFilters(countries=["FR"])))
    assert [h.id for h in result.hits] == ["fr-1", "g7-1"]


def test_sort_by_date(store: Store) -> None:
    seed(store)
    newest = store.search(SearchQuery(text="cyber", sort=SortOrder.NEWEST))
    assert [h.id for h in newest.hits][:2] == ["fr-1", "g7-1"]
    assert newest.hits[-1].id == "nodate"
    oldest = store.search(SearchQuery(text="cyber", sort=SortOrder.OLDEST))
    assert oldest.hits[0].id == "uk-1"


def test_timeline_counts_by_week_and_split(store: Store) -> None:
    seed(store)
    weekly = store.timeline(TimelineQuery(interval=TimelineInterval.WEEK))
    assert {(b.period, b.count) for b in weekly} == {
        (date(2026, 4, 27), 1),
        (date(2026, 5, 11), 2),
        (date(2026, 5, 18), 2),
    }
    by_country = store.timeline(TimelineQuery(interval=TimelineInterval.MONTH, split_by="country"))
    assert {(b.period, b.key, b.count) for b in by_country} == {
        (date(2026, 4, 1), "GB", 1),
        (date(2026, 5, 1), "JP", 2),
        (date(2026, 5, 1), "FR", 2),
    }
    by_measure = store.timeline(TimelineQuery(text="cyber", split_by="measure_type"))
    assert {b.key for b in by_measure} == {"model_access", "working_group"}


def test_stats(store: Store) -> None:
    seed(store)
    stats = store.stats()
    assert stats.documents == 6 and stats.tagged == 2 and stats.undated == 1
    assert stats.first_published == date(2026, 4, 28)
    assert stats.by_country["FR"] == 2


def test_exact_duplicate_under_another_url_is_one_document(store: Store) -> None:
    body = "A syndicated article about AI cyber risk. " * 10
    first = store.upsert(
        doc("orig", body, url="https://a.example/x", canonical_url="https://a.example/x")
    )
    copy = store.upsert(
        doc("copy", body, url="https://b.example/y", canonical_url="https://b.example/y")
    )
    assert first.status is UpsertStatus.NEW
    assert copy.status is UpsertStatus.DUPLICATE and copy.id == "orig"
    assert store.count() == 1
    assert [u["url"] for u in store.get_urls("orig")] == [
        "https://a.example/x",
        "https://b.example/y",
    ]


def test_fetch_state_round_trip(store: Store) -> None:
    assert store.get_fetch_state("https://a.example/x") is None
    store.save_fetch_state("https://a.example/x", etag='"abc"', last_modified=None, status=200)
    state = store.get_fetch_state("https://a.example/x")
    assert state is not None and state["etag"] == '"abc"' and state["status"] == 200


def test_crawl_health_keeps_the_latest_run(store: Store) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 5, 20, tzinfo=UTC)
    store.record_crawl_run(
        "src",
        started_at=now,
        finished_at=now,
        counts={"pages": 3, "errors": 1},
        last_error="timeout",
    )
    store.record_crawl_run("src", started_at=now, finished_at=now, counts={"pages": 5, "new": 2})
    (health,) = store.crawl_health()
    assert health["source_id"] == "src" and health["pages"] == 5 and health["errors"] == 0


def test_search_sees_writes_from_another_connection(store: Store, tmp_path: object) -> None:
    seed(store)
    assert store.search(SearchQuery(text="zebra")).total == 0
    from policyradar.store import open_store

    other = open_store(store.url)
    other.upsert(doc("late", "a zebra crossing cyber note", country="JP"))
    other.close()
    result = store.search(SearchQuery(text="zebra"))
    assert result.total == 1 and {f.value for f in result.facets["country"]} == {"JP"}


def test_measures_list_filter_and_count(store: Store) -> None:
    seed(store)
    everything = store.measures(MeasureQuery())
    assert everything.total == 2
    assert [row.document_id for row in everything.rows] == ["jp-2", "jp-1"]  # newest first
    assert everything.by_type == {"model_access": 1, "working_group": 1}
    assert everything.by_country == {"JP": 2}
    assert everything.rows[0].title == "FSA working group" and everything.rows[0].sentence
    narrowed = store.measures(MeasureQuery(filters=SearchFilters(measure_types=["working_group"])))
    assert [row.type for row in narrowed.rows] == ["working_group"]
    by_text = store.measures(MeasureQuery(text="Mythos"))
    assert [row.document_id for row in by_text.rows] == ["jp-1"]
    assert store.measures(MeasureQuery(filters=SearchFilters(countries=["GB"]))).total == 0


def test_quotes_by_speaker(store: Store) -> None:
    seed(store)
    quotes = store.quotes(speaker="Financial Services Agency")
    assert [(q.document_id, q.text) for q in quotes] == [("jp-2", "We act now")]
    assert store.quotes(speaker="Nobody") == []


def test_entities_found_by_name_or_written_form(store: Store) -> None:
    seed(store)
    by_form = store.entities("fsa")
    assert [(e.name, e.label, e.documents) for e in by_form] == [
        ("Financial Services Agency", "GOV_BODY", 1)
    ]
    assert by_form[0].forms == ["FSA"]
    assert [e.name for e in store.entities("japan")] == ["Japan"]
    assert store.entities("japan")[0].documents == 2
    assert store.entities("%") == []  # a LIKE wildcard is text, not a pattern
    assert [e.name for e in store.entities("", label="AI_MODEL")] == ["Claude Mythos"]


def test_co_mentions(store: Store) -> None:
    seed(store)
    shared = store.co_mentions("Japan")
    assert {(c.name, c.label, c.documents) for c in shared} == {
        ("Claude Mythos", "AI_MODEL", 1),
        ("Financial Services Agency", "GOV_BODY", 1),
    }
