"""Every dashboard page on a seeded store, driven with Streamlit's AppTest."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.state import ViewState
from policyradar.settings import get_settings
from policyradar.store import Store
from policyradar.store.base import SearchQuery

pytestmark = pytest.mark.slow
APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = [
    "pages/search.py",
    "pages/timeline.py",
    "pages/actors.py",
    "pages/measures.py",
    "pages/briefing.py",
    "pages/sources.py",
]


def app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(params)
    return at


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def download_labels(at: AppTest) -> list[str]:
    return [str(getattr(button, "label", "")) for button in at.get("download_button")]


def result_count(at: AppTest) -> int:
    for value in markdown(at):
        if value.endswith(" documents") and value.startswith("**"):
            return int(value.split("**")[1].replace(",", ""))
    raise AssertionError(f"no result count in {markdown(at)[:5]}")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app_env: Store, page: str) -> None:
    at = app().run()
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, page


def test_search_finds_the_expected_documents_and_keeps_the_query_in_the_url(
    app_env: Store,
) -> None:
    at = app().run()
    at.text_input(key="search-q").input('"Claude Mythos"').run()
    assert not at.exception
    expected = app_env.search(SearchQuery(text='"Claude Mythos"', limit=10))
    assert expected.total >= 5
    assert result_count(at) == expected.total
    shown = "\n".join(markdown(at)).replace("\\", "")  # unescape Markdown
    assert [hit.title for hit in expected.hits if (hit.title or "") not in shown] == []
    assert at.query_params["q"] == ['"Claude Mythos"'] or at.query_params["q"] == '"Claude Mythos"'


def test_filters_and_facets_change_the_results(app_env: Store) -> None:
    everything = app(q="cyber").run()
    total = result_count(everything)
    country = everything.multiselect(key="search-country")
    assert any("GB (" in str(option) for option in country.options)  # facet counts beside values
    britain = app(q="cyber", country="GB").run()
    assert not britain.exception
    narrowed = result_count(britain)
    assert 0 < narrowed < total
    assert britain.multiselect(key="search-country").value == ["GB"]
    captions = " ".join(c.value for c in britain.caption)
    assert " JP" not in captions.replace("JP)", "")  # every hit shown is British


def test_timeline_renders_a_stacked_chart_and_developments(app_env: Store) -> None:
    at = app().run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert charts, "no chart on the timeline"
    assert at.expander, "no developments listed under the chart"


def test_csv_download_matches_the_results(app_env: Store) -> None:
    at = app(q="Mythos", country="JP").run()
    assert download_labels(at)[:2] == [
        "Download these results (CSV)",
        "Download these results (JSONL)",
    ]
    state = ViewState.from_params({"q": "Mythos", "country": ["JP"]})
    rows = list(csv.DictReader(io.StringIO(data.results_csv(app_env, state))))
    assert len(rows) == result_count(at)
    assert {row["country"] for row in rows} == {"JP"}
    assert all(
        "mythos" in (row["title"] + row["snippet"]).lower()
        for row in rows
        if row["id"] != "hostile-page"
    )
    assert set(data.EXPORT_FIELDS) == set(rows[0])


def test_hostile_text_is_shown_as_text(app_env: Store) -> None:
    at = app(q="onerror").run()
    assert result_count(at) == 1
    for element in at.markdown:
        assert not element.proto.allow_html
    shown = "\n".join(markdown(at))
    assert "<script>" not in shown and "\\<script\\>" in shown
    assert "](javascript" not in shown  # the javascript: URL is never a link
    assert "onerror" not in shown.replace("\\", "") or "\\<img" in shown
    assert not at.get("html")


def test_actors_page_shows_quotes_measures_and_network(app_env: Store) -> None:
    at = app(actor="Financial Services Agency").run()
    at.switch_page("pages/actors.py").run()
    assert not at.exception
    assert at.selectbox(key="actor-pick").value == 0
    assert at.get("graphviz_chart")
    headers = [h.value for h in at.subheader]
    assert {"Quotes", "Measures taken", "Appears with", "Documents"} <= set(headers)


def test_measures_page_counts_and_downloads(app_env: Store) -> None:
    at = app().run()
    at.switch_page("pages/measures.py").run()
    assert not at.exception
    assert at.dataframe, "no measures table"
    assert download_labels(at) == ["Download measures (CSV)"]


def test_briefing_offers_three_formats(app_env: Store) -> None:
    at = app().run()
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    labels = download_labels(at)
    assert labels == ["Download Markdown", "Download HTML", "Download DOCX"]


def test_empty_store_explains_how_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYRADAR_STORE", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    assert any("policyradar demo" in c.value for c in at.code)


def test_refuses_to_run_without_xsrf_protection(app_env: Store) -> None:
    from streamlit import config

    config.set_option("server.enableXsrfProtection", False)
    try:
        at = app().run()
    finally:
        config.set_option("server.enableXsrfProtection", True)
    assert at.error and "XSRF" in at.error[0].value
    assert not at.text_input
