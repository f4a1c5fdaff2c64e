"""Build the offline demo site: content + templates -> static files for the fixture server.

The content (``content/<outlet>/<slug>.md``: YAML front matter and plain paragraphs, written by
the project) is rendered with the Jinja2 templates in ``templates/`` into one static site with a
section per outlet (``outlets.yaml``). Each outlet publishes the way real publishers of its kind
do (paginated listing, RSS, Atom, sitemap, sitemap index, news sitemap, a PDF communiqué), and
the site carries the traps the crawler must handle: a robots.txt-disallowed drafts path, a login
wall, off-topic press pieces, a syndicated copy with ``rel=canonical``, tracking-parameter and
fragment variants of links, and an undated page.

:func:`build_site` returns the manifest the tests check the crawl against: one entry per
document with ``url``, ``outlet``, ``title``, ``published``, ``kind``, ``expect_stored``,
``syndicated_from`` and ``format``. File times are set to each document's date, so two builds
serve identical validators (``ETag``/``Last-Modified``) and a re-crawl sees an unchanged site.
Reads no settings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from crawlers.demo_site.pdf import text_pdf, wrap_paragraphs

HERE = Path(__file__).resolve().parent
CONTENT_DIR = HERE / "content"
TEMPLATE_DIR = HERE / "templates"
OUTLETS_FILE = HERE / "outlets.yaml"
SITE_EPOCH = date(2026, 5, 29)  # file time of pages that change with every document (listings)
PDF_SLUGS = frozenset({"communique-ai-cyber-resilience"})
DRAFTS_PATH = "drafts"
STATUSES = ("published", "offtopic", "draft", "wall")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
_TRACKING_VARIANTS = (
    "?utm_source=newsletter&utm_medium=email",
    "#main-content",
    "?utm_campaign=feed",
)


class ContentError(ValueError):
    """A content file that does not follow the front-matter format."""


@dataclass(frozen=True)
class Block:
    """One paragraph or subheading of a body."""

    text: str
    heading: bool = False


@dataclass
class Doc:
    """One content file, parsed."""

    outlet: str
    slug: str
    title: str
    summary: str
    status: str
    published: date | None
    author: str | None
    syndicated_from: str | None
    blocks: list[Block] = field(default_factory=list)

    @property
    def format(self) -> str:
        return "pdf" if self.slug in PDF_SLUGS else "html"

    def path(self) -> str:
        """The document's path on the site, without the base URL."""
        if self.status == "draft":
            return f"/{self.outlet}/{DRAFTS_PATH}/{self.slug}.html"
        if self.format == "pdf":
            return f"/{self.outlet}/documents/{self.slug}.pdf"
        if self.outlet == "kantei":  # folder-style URLs, as many government sites use
            return f"/{self.outlet}/statements/{self.slug}/"
        return f"/{self.outlet}/news/{self.slug}.html"


def parse_doc(path: Path, outlet: str) -> Doc:
    """Parse one content file; raises :class:`ContentError` naming the file and the problem."""
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ContentError(f"{path}: no front matter between '---' lines")
    meta = yaml.safe_load(match.group(1)) or {}
    unknown = set(meta) - {"title", "published", "summary", "status", "author", "syndicated_from"}
    if unknown:
        raise ContentError(f"{path}: unknown front-matter keys {sorted(unknown)}")
    status = meta.get("status", "published")
    if status not in STATUSES:
        raise ContentError(f"{path}: status must be one of {STATUSES}, not {status!r}")
    published = meta.get("published")
    if published is not None and not isinstance(published, date):
        raise ContentError(f"{path}: published must be a YYYY-MM-DD date")
    if not meta.get("title"):
        raise ContentError(f"{path}: title is missing")
    blocks = [
        Block(chunk[3:].strip(), heading=True)
        if chunk.startswith("## ")
        else Block(" ".join(chunk.split()))
        for chunk in (part.strip() for part in match.group(2).split("\n\n"))
        if chunk
    ]
    return Doc(
        outlet=outlet,
        slug=path.stem,
        title=str(meta["title"]).strip(),
        summary=str(meta.get("summary") or "").strip(),
        status=status,
        published=published,
        author=meta.get("author"),
        syndicated_from=meta.get("syndicated_from"),
        blocks=blocks,
    )


def load_outlets() -> list[dict[str, Any]]:
    """The outlets of ``outlets.yaml``."""
    outlets: list[dict[str, Any]] = yaml.safe_load(OUTLETS_FILE.read_text(encoding="utf-8"))
    return outlets


def load_docs(outlets: list[dict[str, Any]]) -> dict[str, list[Doc]]:
    """Every outlet's documents, newest first; syndicated copies get their original's body."""
    docs: dict[str, list[Doc]] = {}
    for outlet in outlets:
        folder = CONTENT_DIR / outlet["id"]
        parsed = [parse_doc(path, outlet["id"]) for path in sorted(folder.glob("*.md"))]
        parsed.sort(key=lambda d: (d.published or date.min, d.slug), reverse=True)
        docs[outlet["id"]] = parsed
    by_key = {f"{d.outlet}/{d.slug}": d for group in docs.values() for d in group}
    for doc in (d for group in docs.values() for d in group if d.syndicated_from):
        original = by_key.get(str(doc.syndicated_from))
        if original is None:
            raise ContentError(
                f"{doc.outlet}/{doc.slug}: syndicated_from {doc.syndicated_from} not found"
            )
        doc.blocks, doc.author = original.blocks, original.author
    return docs


def _touch(path: Path, day: date | None) -> None:
    stamp = datetime.combine(day or SITE_EPOCH, time(9), tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))


def _write(path: Path, content: str | bytes, day: date | None = SITE_EPOCH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    _touch(path, day)


def _item(doc: Doc, base_url: str, variant: int | None = None) -> dict[str, Any]:
    url = base_url + doc.path()
    href = url + (
        _TRACKING_VARIANTS[variant % len(_TRACKING_VARIANTS)] if variant is not None else ""
    )
    return {
        "slug": doc.slug,
        "title": doc.title,
        "summary": doc.summary,
        "published": doc.published,
        "author": doc.author,
        "format": doc.format,
        "url": url,
        "href": href,
    }


def _render_outlet(
    env: Environment, out_dir: Path, outlet: dict[str, Any], docs: list[Doc], base_url: str
) -> None:
    oid = outlet["id"]
    common = {"outlet": outlet, "base_url": base_url}
    for doc in docs:
        related = [
            _item(other, base_url)
            for other in docs
            if other is not doc and other.status == "published"
        ][:3]
        if doc.format == "pdf":
            paragraphs = [doc.title, *(b.text for b in doc.blocks)]
            created = datetime.combine(doc.published, time(9)) if doc.published else None
            pdf = text_pdf(wrap_paragraphs(paragraphs), title=doc.title, created=created)
            _write(out_dir / doc.path().lstrip("/"), pdf, doc.published)
            continue
        canonical = _original_url(doc, base_url) if doc.syndicated_from else base_url + doc.path()
        html = env.get_template("article.html").render(
            doc=doc, canonical_url=canonical, related=related, wall=doc.status == "wall", **common
        )
        target = out_dir / doc.path().lstrip("/")
        if doc.path().endswith("/"):
            target = target / "index.html"
        _write(target, html, doc.published)

    listed = docs  # drafts too: a draft link leaking into a feed is what robots.txt is for
    feed = outlet["feed"]
    if feed in ("listing", "listing_pdf"):
        per_page = int(outlet.get("per_page", 10))
        pages = max(1, -(-len(listed) // per_page))
        for number in range(1, pages + 1):
            chunk = listed[(number - 1) * per_page : number * per_page]
            items = [
                _item(d, base_url, variant=i if feed == "listing" else None)
                for i, d in enumerate(chunk)
            ]
            html = env.get_template("listing.html").render(
                items=items,
                page=number,
                pages=pages,
                prev_href=_listing_url(base_url, oid, number - 1) if number > 1 else None,
                next_href=_listing_url(base_url, oid, number + 1) if number < pages else None,
                **common,
            )
            folder = (
                out_dir / oid / "news"
                if number == 1
                else out_dir / oid / "news" / "page" / str(number)
            )
            _write(folder / "index.html", html)
    elif feed == "rss":
        items = [
            _item(d, base_url, variant=2 if i % 3 == 0 else None) for i, d in enumerate(listed)
        ]
        _write(
            out_dir / oid / "feed.rss", env.get_template("rss.xml").render(items=items, **common)
        )
    elif feed == "atom":
        items = [_item(d, base_url) for d in listed]
        updated = max((d.published for d in listed if d.published), default=SITE_EPOCH).isoformat()
        _write(
            out_dir / oid / "feed.atom",
            env.get_template("atom.xml").render(items=items, updated=updated, **common),
        )
    elif feed in ("sitemap", "news_sitemap"):
        items = [_item(d, base_url) for d in listed]
        xml = env.get_template("sitemap.xml").render(
            items=items, news=feed == "news_sitemap", **common
        )
        _write(out_dir / oid / "sitemap.xml", xml)
    elif feed == "sitemap_index":
        years = sorted({(d.published or SITE_EPOCH).year for d in listed}, reverse=True)
        children = []
        for year in years:
            items = [_item(d, base_url) for d in listed if (d.published or SITE_EPOCH).year == year]
            loc = f"{base_url}/{oid}/sitemap-press-{year}.xml"
            _write(
                out_dir / oid / f"sitemap-press-{year}.xml",
                env.get_template("sitemap.xml").render(items=items, news=False, **common),
            )
            lastmod = max(item["published"] or SITE_EPOCH for item in items).isoformat()
            children.append({"loc": loc, "lastmod": lastmod})
        _write(
            out_dir / oid / "sitemap-index.xml",
            env.get_template("sitemap_index.xml").render(children=children, **common),
        )
    else:
        raise ContentError(f"outlet {oid}: unknown feed type {feed!r}")

    # Pages every site has and no crawl should store: they are not linked from feeds or the
    # article selectors, and the listing's allow rules keep them out.
    for name, heading, text in (
        (
            "about.html",
            f"About {outlet['name']}",
            "Who we are, what we publish and how to reach the press office.",
        ),
        ("careers/index.html", "Careers", "Current vacancies and the graduate programme."),
    ):
        _write(
            out_dir / oid / name,
            env.get_template("page.html").render(heading=heading, text=text, **common),
        )


def _original_url(doc: Doc, base_url: str) -> str:
    outlet, _, slug = str(doc.syndicated_from).partition("/")
    return f"{base_url}/{outlet}/news/{slug}.html"


def _listing_url(base_url: str, oid: str, number: int) -> str:
    return f"{base_url}/{oid}/news/" if number == 1 else f"{base_url}/{oid}/news/page/{number}/"


def _robots(outlets: list[dict[str, Any]]) -> str:
    lines = ["# PolicyRadar demo fixture", "User-agent: *"]
    lines += [f"Disallow: /{o['id']}/{DRAFTS_PATH}/" for o in outlets]
    lines += ["Disallow: /*/search", "Allow: /"]
    return "\n".join(lines) + "\n"


def build_site(out_dir: Path, base_url: str) -> list[dict[str, Any]]:
    """Render the site into ``out_dir`` for serving at ``base_url``; returns the manifest."""
    base_url = base_url.rstrip("/")
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    outlets = load_outlets()
    docs = load_docs(outlets)
    for outlet in outlets:
        _render_outlet(env, out_dir, outlet, docs[outlet["id"]], base_url)
    _write(
        out_dir / "index.html",
        env.get_template("portal.html").render(outlets=outlets, base_url=base_url),
    )
    _write(out_dir / "robots.txt", _robots(outlets))

    kinds = {o["id"]: o["kind"] for o in outlets}
    manifest: list[dict[str, Any]] = []
    for outlet_docs in docs.values():
        for doc in outlet_docs:
            manifest.append(
                {
                    "url": base_url + doc.path(),
                    "outlet": doc.outlet,
                    "title": doc.title,
                    "published": doc.published.isoformat() if doc.published else None,
                    "kind": kinds[doc.outlet],
                    "status": doc.status,
                    "expect_stored": doc.status == "published" and not doc.syndicated_from,
                    "syndicated_from": _original_url(doc, base_url)
                    if doc.syndicated_from
                    else None,
                    "format": doc.format,
                }
            )
    return manifest
