"""Extraction on real markup, and the budgeted worker pool."""

from __future__ import annotations

from datetime import date

from crawlers.extract import Article, Page, Skipped, extract, guess_language
from crawlers.pool import ExtractionPool
from policyradar.models import DateSource, SourceSelectors
from tests.crawlers.hostile_site import ARTICLE_TEXT, article_html, tiny_pdf


def test_clean_text_title_date_language_canonical() -> None:
    html = article_html("FSA sets up a working group").replace(
        "</head>", "<link rel='canonical' href='/en/news/wg?utm_source=x'></head>"
    )
    result = extract(Page(url="https://www.fsa.go.jp/en/news/wg.html#top", body=html.encode()))
    assert isinstance(result, Article)
    assert result.title == "FSA sets up a working group"
    assert "Popular news" not in result.text and "Contact | Privacy" not in result.text
    assert "Financial Services Agency said on Thursday" in result.text
    assert (result.published, result.published_source) == (date(2026, 5, 14), DateSource.METADATA)
    assert result.canonical_url == "https://www.fsa.go.jp/en/news/wg"
    assert result.language == "en"


def test_selectors_override_generic_extraction() -> None:
    html = (
        "<html><body><div class='main'><p>" + ARTICLE_TEXT + "</p></div>"
        "<p class='date'>18 May 2026</p><h2 class='t'>Selector title</h2></body></html>"
    )
    page = Page(
        url="https://x.example/a",
        body=html.encode(),
        selectors=SourceSelectors(title="h2.t", body="div.main", date="p.date"),
    )
    result = extract(page)
    assert isinstance(result, Article)
    assert result.title == "Selector title" and result.text == ARTICLE_TEXT
    assert result.published == date(2026, 5, 18)


def test_date_hint_used_when_page_has_none_and_never_1970() -> None:
    html = article_html("No date", date=None)
    hinted = extract(
        Page(
            url="https://x.example/a",
            body=html.encode(),
            date_hint=date(2026, 5, 2),
            date_hint_source=DateSource.SITEMAP,
        )
    )
    assert isinstance(hinted, Article)
    assert (hinted.published, hinted.published_source) == (date(2026, 5, 2), DateSource.SITEMAP)
    epoch = article_html("Epoch", date="1970-01-01")
    result = extract(Page(url="https://x.example/b", body=epoch.encode()))
    assert isinstance(result, Article) and result.published != date(1970, 1, 1)


def test_pdf_and_unreadable_pdf() -> None:
    pdf = extract(
        Page(
            url="https://g7.example/s.pdf",
            body=tiny_pdf(["A G7 statement on AI cyber risk " * 6]),
            content_type="application/pdf",
        )
    )
    assert isinstance(pdf, Article) and "G7 statement" in pdf.text
    broken = extract(
        Page(
            url="https://g7.example/b.pdf", body=b"%PDF-1.4 garbage", content_type="application/pdf"
        )
    )
    assert isinstance(broken, Skipped)


def test_language_guesses() -> None:
    assert guess_language("金融庁はサイバー攻撃に対応するため作業部会を設置した。") == "ja"
    assert (
        guess_language(
            "Le gouvernement a publié des lignes directrices pour la sécurité et les banques."
        )
        == "fr"
    )
    assert guess_language("The agency said that it will publish guidance for the banks.") == "en"


def test_pool_kills_an_extraction_over_its_time_budget() -> None:  # case 19
    huge = (
        "<html><body><table>"
        + "<tr>"
        + "<td colspan='9007199254740991'>x</td>" * 200
        + "</tr>" * 2000
        + "</table>"
        + "<p>"
        + ARTICLE_TEXT
        + "</p>" * 3000
        + "</body></html>"
    ).encode()
    with ExtractionPool(1, timeout_s=0.05, max_memory_mb=1024) as pool:
        result = pool.extract(Page(url="https://x.example/slow", body=huge))
        assert isinstance(result, Skipped) and "budget" in result.reason
        again = pool.extract(Page(url="https://x.example/ok", body=article_html("After").encode()))
    assert isinstance(again, Skipped | Article)


def test_pool_contains_a_memory_blowup() -> None:
    # A 40 MB page cannot be decoded inside a 96 MB budget: the worker fails within its budget,
    # the page is reported as skipped, the worker is replaced and the pool keeps answering.
    body = article_html("Huge").encode() + b"<p>" + b"x" * (40 * 1024 * 1024) + b"</p>"
    with ExtractionPool(1, timeout_s=60, max_memory_mb=96) as pool:
        for name in ("first", "second"):
            result = pool.extract(Page(url=f"https://x.example/{name}", body=body))
            assert isinstance(result, Skipped) and "memory" in result.reason, result
