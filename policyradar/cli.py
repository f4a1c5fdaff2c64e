"""The ``policyradar`` command line: parses arguments and calls the kernel, nothing more.

Exit codes: 0 ok, 1 failure, 2 bad usage or configuration. Errors are one line on stderr,
never a traceback. Settings read: everything in :mod:`policyradar.settings` via
:func:`get_settings` (the global ``--store`` option overrides ``store``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from policyradar import __version__
from policyradar.exports import ExportFormat, export_documents
from policyradar.importer import ImportReport, import_jsonl
from policyradar.models import EntityLabel, MeasureType, SourceKind
from policyradar.settings import get_settings
from policyradar.store import Store, StoreError, UsageError, open_store
from policyradar.store.base import SearchFilters, SearchQuery, SearchResult, SortOrder

app = typer.Typer(
    name="policyradar",
    help="Track AI cyber-risk policy: crawl sources, tag statements, search and brief.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
export_app = typer.Typer(help="Export the corpus to files.", no_args_is_help=True)
app.add_typer(export_app, name="export")

out = Console()
err = Console(stderr=True, soft_wrap=True)  # one problem per line, never wrapped


class CommandError(Exception):
    """A failure to report as one line with exit code 1."""


@dataclass
class _State:
    store_url: str


def _state(ctx: typer.Context) -> _State:
    state = ctx.find_root().obj
    if not isinstance(state, _State):  # pragma: no cover - the callback always sets it
        raise CommandError("internal error: CLI state missing")
    return state


def _store(ctx: typer.Context) -> Store:
    return open_store(_state(ctx).store_url)


def _version(value: bool) -> None:
    if value:
        out.print(f"policyradar {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Store URL: sqlite:///path.db (default from POLICYRADAR_STORE, else "
            "sqlite:///data/policyradar.db) or http://host:9200.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Global options."""
    ctx.obj = _State(store_url=store or get_settings().store)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the store (or migrate it to the current schema)."""
    store = _store(ctx)
    stats = store.stats()
    out.print(
        f"store ready: {store.url} (schema v{stats.schema_version}, {stats.documents} documents)"
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A JSONL file: one document per line.")],
) -> None:
    """Import documents from JSONL; bad lines are reported by number, the rest imported."""
    if not file.is_file():
        raise UsageError(f"no such file: {file}")
    store = _store(ctx)
    size = file.stat().st_size
    with Progress(
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("import", total=size)
        report = import_jsonl(
            store,
            file,
            batch_size=get_settings().import_batch_size,
            on_progress=lambda done: progress.update(task, completed=done),
        )
    _print_import_report(report, file)
    if report.skipped:
        raise typer.Exit(1)


def _print_import_report(report: ImportReport, file: Path) -> None:
    for problem in report.problems[:50]:
        what = "skipped" if problem.skipped else "note"
        err.print(Text(f"{file}:{problem.line}: {what}: {problem.message}"))
    if len(report.problems) > 50:
        err.print(f"... and {len(report.problems) - 50} more problems")
    out.print(
        f"imported {report.lines - report.skipped} of {report.lines} lines: "
        f"{report.new} new, {report.changed} changed, {report.unchanged} unchanged, "
        f"{report.skipped} skipped, {report.annotated} with annotations"
    )


@export_app.command("documents")
def export_documents_cmd(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the export.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl or csv.")] = (
        ExportFormat.JSONL
    ),
) -> None:
    """Export every document with all its fields (text included)."""
    written = export_documents(_store(ctx), fmt, out_file)
    out.print(f"wrote {written} documents to {out_file}")


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words, "phrases", OR, -exclusions.')],
    limit: Annotated[int, typer.Option(min=0, help="Hits per page.")] = 10,
    offset: Annotated[int, typer.Option(min=0, help="Hits to skip (paging).")] = 0,
    sort: Annotated[SortOrder, typer.Option(help="relevance, newest or oldest.")] = (
        SortOrder.RELEVANCE
    ),
    date_from: Annotated[
        str | None, typer.Option("--from", help="Published on or after (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Published on or before (YYYY-MM-DD).")
    ] = None,
    kind: Annotated[list[SourceKind] | None, typer.Option(help="Source kind (repeatable).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Country code (repeatable).")] = None,
    language: Annotated[list[str] | None, typer.Option(help="Language code (repeatable).")] = None,
    entity: Annotated[
        list[str] | None, typer.Option(help="Canonical entity name that must appear (repeatable).")
    ] = None,
    label: Annotated[
        list[EntityLabel] | None, typer.Option(help="Entity label present (repeatable).")
    ] = None,
    measure: Annotated[
        list[MeasureType] | None, typer.Option(help="Measure type present (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the corpus (full text, ranked, with filters and facet counts)."""
    filters = SearchFilters(
        date_from=_parse_day(date_from, "--from"),
        date_to=_parse_day(date_to, "--to"),
        source_kinds=kind or [],
        countries=[c.upper() for c in country or []],
        languages=language or [],
        entity_names=entity or [],
        entity_labels=label or [],
        measure_types=measure or [],
    )
    result = _store(ctx).search(
        SearchQuery(text=query, filters=filters, sort=sort, limit=limit, offset=offset)
    )
    if as_json:
        sys.stdout.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=False) + "\n")
    else:
        _print_search(result)
    if result.message and result.total == 0 and not result.hits and not as_json:
        raise typer.Exit(0)


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} expects a date like 2026-05-18, got {value!r}") from None


def _print_search(result: SearchResult) -> None:
    if result.message:
        err.print(Text(result.message))
    if not result.hits:
        return
    table = Table(title=f"{result.total} documents", show_lines=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title / snippet")
    table.add_column("publisher")
    for hit in result.hits:
        snippet = Text(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("bold yellow", start, end)
        cell = Text(hit.title or "(untitled)", style="bold")
        cell.append("\n")
        cell.append(snippet)
        if hit.url:
            cell.append("\n" + hit.url, style="dim")
        table.add_row(str(hit.published or "undated"), cell, Text(hit.publisher or ""))
    out.print(table)


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Corpus figures: documents, versions, tagged, sources, date range."""
    figures = _store(ctx).stats()
    if as_json:
        sys.stdout.write(json.dumps(figures.model_dump(mode="json")) + "\n")
        return
    table = Table(show_header=False)
    for key, value in figures.model_dump().items():
        table.add_row(key, Text(str(value)))
    out.print(table)


@app.command()
def demo(ctx: typer.Context) -> None:
    """Run the demo on the configured store (for now: import the bundled sample and search)."""
    store = _store(ctx)
    sample = resources.files("policyradar.sample").joinpath("statements.jsonl")
    with resources.as_file(sample) as path:
        report = import_jsonl(store, path)
    _print_import_report(report, Path("sample/statements.jsonl"))
    query = '"Claude Mythos" OR "working group"'
    out.print(f"\nsearch: {query}")
    _print_search(store.search(SearchQuery(text=query, limit=5)))
    out.print(
        "\nThe full demo (serve the fixture site, crawl, tag, open the dashboard) arrives with "
        "the crawler, NLP and dashboard issues. Try: policyradar search 'cyber -baseball'"
    )


def _not_yet(command: str, issue: str) -> NoReturn:
    raise CommandError(f"`policyradar {command}` is not available yet: it lands with the {issue}")


_PLANNED: dict[str, tuple[str, str]] = {
    "crawl": ("Crawl the source catalog into the store.", "crawler issue (#3)"),
    "extract": (
        "Extract an article (title, text, date, language) from HTML/PDF.",
        "crawler issue (#3)",
    ),
    "tag": ("Tag documents with entities, measures, quotes and dates.", "NLP issue (#4)"),
    "run": ("Crawl, tag and group developments in one go.", "crawler and NLP issues (#3, #4)"),
    "brief": ("Render the weekly briefing (md, html, pdf, docx).", "briefing issue"),
    "developments": ("Group documents into policy developments.", "developments issue"),
    "dashboard": ("Open the Streamlit dashboard.", "dashboard issue (#5)"),
}


def _register_planned(name: str, help_text: str, issue: str) -> None:
    def command(
        args: Annotated[list[str] | None, typer.Argument(hidden=True)] = None,
    ) -> None:
        _not_yet(name, issue)

    command.__doc__ = f"{help_text} [not available yet]"
    app.command(name, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
        command
    )


for _name, (_help, _issue) in _PLANNED.items():
    _register_planned(_name, _help, _issue)


def _fail(message: str, code: int) -> NoReturn:
    err.print(Text(f"error: {message}"), soft_wrap=True)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``policyradar`` console script."""
    try:
        result: Any = app(args=argv, standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        _fail("aborted", 1)
    except typer.TyperException as exc:  # argument parsing: Typer's (vendored) click errors
        format_message = getattr(exc, "format_message", None)
        message = format_message() if callable(format_message) else str(exc)
        _fail(" ".join(str(message).split()), int(getattr(exc, "exit_code", 2)))
    except UsageError as exc:
        _fail(str(exc), 2)
    except (StoreError, CommandError, OSError) as exc:
        _fail(str(exc), 1)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # the promise is one line and no traceback, whatever happens
        _fail(f"unexpected {type(exc).__name__}: {exc}", 1)
    raise SystemExit(result if isinstance(result, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
