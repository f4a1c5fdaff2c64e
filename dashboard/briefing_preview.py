"""The weekly briefing preview: a week's top items as Markdown, HTML and DOCX.

A stand-in until the briefing issue's renderer lands: official statements first, then press,
the measures and quotes of the week, each with its source link. HTML is rendered from
``templates/briefing.html`` by Jinja2 with
autoescaping, so corpus text cannot become markup. Reads no settings.
"""

from __future__ import annotations

import io
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from dashboard.data import WeekSummary
from dashboard.safety import safe_url

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _md(text: object) -> str:
    from dashboard.safety import md_escape

    return md_escape(str(text) if text is not None else "")


def _md_link(title: str | None, url: str | None) -> str:
    from dashboard.safety import md_link

    return md_link(title or "source", url)


def to_markdown(s: WeekSummary) -> str:
    """The briefing as Markdown (corpus text escaped, links http(s) only)."""
    lines = [f"# AI cyber-risk policy: week {s.week.label}", ""]
    lines.append(f"{s.week.start} to {s.week.end} · {s.total} documents")
    if s.top_entities:
        lines += ["", "Most mentioned: " + ", ".join(_md(name) for name, _ in s.top_entities)]
    for heading, hits in (("Official statements", s.official), ("Press", s.press)):
        lines += ["", f"## {heading}", ""]
        lines += [
            f"- {h.published or 'undated'} · {_md_link(h.title, h.url)} ({_md(h.publisher)})"
            for h in hits
        ] or ["- None this week."]
    lines += ["", "## Measures", ""]
    lines += [
        f"- **{m.type.replace('_', ' ')}** ({m.status.replace('_', ' ')})"
        + (f", {_md(m.actor)}" if m.actor else "")
        + f": {_md(m.sentence)} ({_md_link(m.publisher, m.url)})"
        for m in s.measures.rows
    ] or ["- None found this week."]
    lines += ["", "## Quotes", ""]
    lines += [
        f"> {_md(q.text)}"
        + (f" — {_md(q.speaker)}" if q.speaker else "")
        + f" ({_md_link(q.publisher, q.url)})\n"
        for q in s.quotes
    ] or ["No direct quotes this week."]
    return "\n".join(lines) + "\n"


def to_html(s: WeekSummary) -> str:
    """The briefing as a standalone HTML page."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    return env.get_template("briefing.html").render(s=s, link=safe_url)


def to_docx(s: WeekSummary) -> bytes:
    """The briefing as a Word document."""
    from docx import Document as WordDocument

    doc = WordDocument()
    doc.add_heading(f"AI cyber-risk policy: week {s.week.label}", level=1)
    doc.add_paragraph(f"{s.week.start} to {s.week.end} · {s.total} documents")
    for heading, hits in (("Official statements", s.official), ("Press", s.press)):
        doc.add_heading(heading, level=2)
        for h in hits:
            doc.add_paragraph(
                f"{h.published or 'undated'} · {h.title} ({h.publisher}) {h.url or ''}",
                style="List Bullet",
            )
    doc.add_heading("Measures", level=2)
    for m in s.measures.rows:
        doc.add_paragraph(
            f"{m.type.replace('_', ' ')} ({m.status}) {m.actor or ''}: {m.sentence}",
            style="List Bullet",
        )
    doc.add_heading("Quotes", level=2)
    for q in s.quotes:
        doc.add_paragraph(f"“{q.text}” — {q.speaker or 'unattributed'} ({q.publisher})")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
