"""A minimal PDF writer for fixture communiqués: wrapped Helvetica text that pypdf can read.

The demo site and the crawler tests need real PDF bytes with extractable text and metadata;
a full PDF library would be a dependency for two fixtures, and the format needed here (one
font, left-aligned lines, a page break every 48 lines) fits in a page of code. Reads no settings.
"""

from __future__ import annotations

import io
import textwrap
from datetime import datetime

LINES_PER_PAGE = 48
CHARS_PER_LINE = 88


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _latin1(text: str) -> str:
    # Helvetica with WinAnsiEncoding covers Latin-1; curly quotes and dashes are mapped down.
    table = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
    return text.translate(table).encode("latin-1", "replace").decode("latin-1")


def wrap_paragraphs(paragraphs: list[str], width: int = CHARS_PER_LINE) -> list[str]:
    """Paragraphs -> printable lines, with a blank line between paragraphs."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(_latin1(paragraph), width=width) or [""])
        lines.append("")
    return lines[:-1] if lines else lines


def text_pdf(lines: list[str], *, title: str = "", created: datetime | None = None) -> bytes:
    """A PDF of ``lines`` (already wrapped), with ``title`` and ``created`` in its metadata."""
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    font_id = 3
    objects: dict[int, str] = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        font_id: (
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        ),
    }
    kids: list[str] = []
    next_id = 4
    for page_lines in pages:
        content = (
            "BT /F1 11 Tf 72 760 Td 14 TL "
            + " ".join(f"({_escape(_latin1(line))}) '" for line in page_lines)
            + " ET"
        )
        page_id, content_id = next_id, next_id + 1
        next_id += 2
        objects[page_id] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>"
        )
        objects[content_id] = f"<< /Length {len(content)} >>\nstream\n{content}\nendstream"
        kids.append(f"{page_id} 0 R")
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    info_id = next_id
    info = f"/Title ({_escape(_latin1(title))})"
    if created is not None:
        info += f" /CreationDate (D:{created:%Y%m%d%H%M%S}Z)"
    objects[info_id] = f"<< {info} >>"

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n{objects[number]}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    count = max(objects) + 1
    out.write(f"xref\n0 {count}\n0000000000 65535 f \n".encode())
    for number in range(1, count):
        out.write(f"{offsets[number]:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {count} /Root 1 0 R /Info {info_id} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
