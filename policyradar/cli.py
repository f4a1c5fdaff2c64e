"""The ``policyradar`` command line: parses arguments and calls the kernel, nothing more.

Exit codes: 0 ok, 1 failure, 2 bad usage or configuration. Errors are one line on stderr,
never a traceback. Settings read: everything in :mod:`policyradar.settings` via
:func:`get_settings` (the global ``--store`` option overrides ``store``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from policyradar import __version__
from policyradar.catalog import Catalog, load_catalog
from policyradar.exports import ExportFormat, export_documents
from policyradar.importer import ImportReport, import_jsonl
from policyradar.models import EntityLabel, MeasureType, Source, SourceKind
from policyradar.settings import get_settings
from policyradar.store import Store, StoreError, UsageError, open_store
from policyradar.store.base import SearchFilters, SearchQuery, SearchResult, SortOrder

T = TypeVar("T")

app = typer.Typer(
    name="policyradar",
    help="Track AI cyber-risk policy: crawl sources, tag statements, search and brief.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
export_app = typer.Typer(help="Export the corpus to files.", no_args_is_help=True)
app.add_typer(export_app, name="export")
sources_app = typer.Typer(help="The source catalog: list and validate it.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

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
def demo(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port of the demo site (0: any).")
    ] = 0,
    open_dashboard: Annotated[
        bool | None,
        typer.Option(
            "--dashboard/--no-dashboard",
            help="Open the dashboard at the end (default: when run from a terminal).",
        ),
    ] = None,
    dashboard_port: Annotated[
        int, typer.Option(min=1, max=65535, help="Port of the dashboard.")
    ] = 8501,
) -> None:
    """Serve the offline demo site on 127.0.0.1, crawl it into the store, tag it, search it,
    and open the dashboard."""
    from crawlers.demo import DemoUnavailable, run_demo

    store = _store(ctx)
    try:
        run = _with_crawl_progress(
            lambda started: run_demo(
                get_settings(), _state(ctx).store_url, port=port, on_start=started
            )
        )
    except DemoUnavailable:
        sample = resources.files("policyradar.sample").joinpath("statements.jsonl")
        with resources.as_file(sample) as path:
            report = import_jsonl(store, path)
        _print_import_report(report, Path("sample/statements.jsonl"))
    else:
        for problem in run.problems:
            err.print(Text(f"invalid demo source: {problem}"))
        out.print(f"demo site served at {run.base_url} (stopped now)")
        out.print(_crawl_table({sid: r.counts for sid, r in run.reports.items()}))
    tagged = _tag_store(store)
    out.print(f"tagged {tagged} documents (entities, dates, quotes, measures)")
    query = '"Claude Mythos" OR "working group"'
    out.print(f"\nsearch: {query}")
    _print_search(store.search(SearchQuery(text=query, limit=5)))
    out.print(
        "\nNext: policyradar search 'cyber -baseball' --country JP, policyradar stats, "
        "policyradar export documents --format csv --out docs.csv, policyradar dashboard"
    )
    if open_dashboard is None:
        open_dashboard = sys.stdin.isatty() and sys.stdout.isatty()
    if open_dashboard:
        _run_dashboard(_state(ctx).store_url, dashboard_port, "127.0.0.1")


@app.command("dashboard")
def dashboard_command(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8501,
    address: Annotated[
        str, typer.Option(help="Address to bind; the default keeps it on this machine.")
    ] = "127.0.0.1",
) -> None:
    """Open the Streamlit dashboard on the configured store (Ctrl-C stops it)."""
    _store(ctx)  # fail early, with one line, on a bad or newer store
    _run_dashboard(_state(ctx).store_url, port, address)


def _run_dashboard(store_url: str, port: int, address: str) -> None:
    import subprocess

    import dashboard

    app_path = Path(dashboard.__file__).parent / "app.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.headless=true",
        # Passed explicitly so no config file elsewhere can turn them off; the app checks too.
        "--server.enableXsrfProtection=true",
        "--server.enableCORS=true",
        "--browser.gatherUsageStats=false",
    ]
    out.print(f"dashboard on http://{address}:{port} (store {store_url}); Ctrl-C stops it")
    env = {**os.environ, "POLICYRADAR_STORE": store_url}
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return
    if code not in (0, -2, 130):
        raise CommandError(f"the dashboard stopped with exit code {code}")


def _with_crawl_progress(job: Callable[[Callable[[Any], None]], T]) -> T:
    """Run ``job`` with a live per-source progress table on a terminal."""
    from rich.live import Live

    live: Live | None = None

    def started(context: Any) -> None:
        nonlocal live
        if err.is_terminal:
            live = Live(
                get_renderable=lambda: _crawl_table(context.snapshot()),
                console=err,
                refresh_per_second=4,
                transient=True,
            )
            live.start()

    try:
        return job(started)
    finally:
        if live is not None:
            live.stop()


def _default_catalog() -> Path:
    import crawlers

    return Path(crawlers.__file__).parent / "sources"


def _load_catalog(location: Path, base_url: str | None = None) -> Catalog:
    catalog = load_catalog(location, base_url=base_url)
    for problem in catalog.problems:
        err.print(Text(f"invalid source: {problem}"))
    return catalog


@sources_app.command("list")
def sources_list(
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Catalog folder or file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List the catalog's sources (id, kind, country, publisher, URLs, what is unverified)."""
    catalog = _load_catalog(sources or _default_catalog())
    if as_json:
        for source in catalog.sources:
            sys.stdout.write(source.model_dump_json() + "\n")
        return
    table = Table(title=f"{len(catalog.sources)} sources")
    for column in ("id", "kind", "country", "publisher", "start URLs", "enabled", "unverified"):
        table.add_column(column)
    for source in catalog.sources:
        table.add_row(
            source.id,
            source.kind.value,
            source.country,
            Text(source.publisher),
            Text("\n".join(source.start_urls)),
            "yes" if source.enabled else "no",
            Text(", ".join(source.unverified)),
        )
    out.print(table)


@sources_app.command("check")
def sources_check(
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Catalog folder or file.")
    ] = None,
) -> None:
    """Validate the catalog offline: every file, every field (exit 1 if any is invalid)."""
    location = sources or _default_catalog()
    catalog = _load_catalog(location)
    out.print(
        f"{len(catalog.sources)} valid sources, {len(catalog.problems)} invalid in {location}"
    )
    if catalog.problems:
        raise typer.Exit(1)


def _crawl_table(snapshot: dict[str, dict[str, int]]) -> Table:
    table = Table(title="crawl")
    columns = ("pages", "new", "changed", "unchanged", "duplicate", "skipped", "errors")
    table.add_column("source")
    for column in columns:
        table.add_column(column, justify="right")
    for source_id, counts in sorted(snapshot.items()):
        table.add_row(source_id, *(str(counts.get(column, 0)) for column in columns))
    return table


def _run_crawl(
    ctx: typer.Context,
    selected: list[Source],
    *,
    allow_private_hosts: bool,
    allowed_hosts: tuple[str, ...] = (),
    workers: int | None,
    verbose: bool,
    report_file: Path | None = None,
) -> dict[str, Any]:
    from crawlers.runner import run_crawl

    reports = _with_crawl_progress(
        lambda started: run_crawl(
            selected,
            settings=get_settings(),
            store_url=_state(ctx).store_url,
            allow_private_hosts=allow_private_hosts,
            allowed_hosts=allowed_hosts,
            workers=workers,
            on_start=started,
        )
    )
    out.print(_crawl_table({sid: r.counts for sid, r in reports.items()}))
    for source_id, report in sorted(reports.items()):
        shown = report.problems if verbose else [p for p in report.problems if p[0] == "error"]
        for kind, url, reason in shown[:20]:
            err.print(Text(f"{source_id}: {kind}: {url}: {reason}"))
    if report_file is not None:
        report_file.write_text(
            json.dumps({sid: r.as_json() for sid, r in reports.items()}, indent=1),
            encoding="utf-8",
        )
    return dict(reports)


SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", help="Catalog folder or file (default: the bundled catalog)."),
]
SourceIdsOption = Annotated[
    list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")
]


def _select_sources(location: Path | None, ids: list[str] | None) -> list[Source]:
    """The named sources, or every enabled one; disabled sources run only when named."""
    catalog = _load_catalog(location or _default_catalog())
    try:
        selected = catalog.select(ids or [])
    except KeyError as exc:
        raise UsageError(f"unknown source id(s): {exc.args[0]}") from None
    if not ids:
        selected = [s for s in selected if s.enabled]
    if not selected:
        raise UsageError("no sources to crawl")
    return selected


@app.command()
def crawl(
    ctx: typer.Context,
    sources: SourcesOption = None,
    source: SourceIdsOption = None,
    allow_private_hosts: Annotated[
        bool,
        typer.Option(
            "--allow-private-hosts",
            help="Allow loopback and private addresses (tests and the demo need it).",
        ),
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Allow one private HOST:PORT only, e.g. a fixture server (repeatable).",
        ),
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Extraction worker processes.")] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List skipped pages too.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write a JSON report (counts and problems per source)."),
    ] = None,
) -> None:
    """Crawl catalog sources into the store (feeds, sitemaps, listing pages)."""
    selected = _select_sources(sources, source)
    reports = _run_crawl(
        ctx,
        selected,
        allow_private_hosts=allow_private_hosts,
        allowed_hosts=tuple(allow_host or ()),
        workers=workers,
        verbose=verbose,
        report_file=report,
    )
    stored = sum(
        r.counts["new"] + r.counts["changed"] + r.counts["unchanged"] for r in reports.values()
    )
    failed = sum(r.counts["errors"] for r in reports.values())
    if failed and not stored:
        raise CommandError(f"the crawl stored nothing and had {failed} errors")


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="HTML or PDF files, or http(s) URLs.")],
    url: Annotated[
        str | None, typer.Option("--url", help="The page's URL (for a single file input).")
    ] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl/--table", "--json", help="Print one JSON line per input.")
    ] = True,
    allow_private_hosts: Annotated[
        bool, typer.Option("--allow-private-hosts", help="Allow fetching loopback/private URLs.")
    ] = False,
) -> None:
    """Extract title, clean text, date and language from pages (one JSON line per input)."""
    from crawlers.extract import Article, Page
    from crawlers.fetch import FetchError, fetch
    from crawlers.pool import ExtractionPool

    if url is not None and len(inputs) != 1:
        raise UsageError("--url applies to a single input")
    failures = 0
    with ExtractionPool.from_settings(workers=1) as pool:
        for item in inputs:
            try:
                if item.startswith(("http://", "https://")):
                    page_url, body, content_type = fetch(
                        item, settings=get_settings(), allow_private=allow_private_hosts
                    )
                else:
                    path = Path(item)
                    if not path.is_file():
                        raise FetchError(f"no such file: {item}")
                    body = path.read_bytes()
                    page_url = url or path.resolve().as_uri()
                    content_type = "application/pdf" if path.suffix.lower() == ".pdf" else ""
            except FetchError as exc:
                failures += 1
                sys.stdout.write(json.dumps({"path": item, "error": str(exc)}) + "\n")
                continue
            result = pool.extract(Page(url=page_url, body=body, content_type=content_type))
            if isinstance(result, Article):
                line = result.as_json(path=None if item.startswith("http") else item)
            else:
                failures += 1
                line = {"path": item, "url": page_url, "skipped": result.reason}
            if jsonl:
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            else:
                out.print(Text(json.dumps(line, ensure_ascii=False, indent=2)))
    if failures:
        raise typer.Exit(1)


@app.command()
def tag(
    ctx: typer.Context,
    input_file: Annotated[
        Path | None, typer.Option("--input", help="JSONL to tag (file mode, no store needed).")
    ] = None,
    output_file: Annotated[
        Path | None, typer.Option("--output", help="Where file mode writes its results.")
    ] = None,
    processes: Annotated[
        int, typer.Option("--processes", min=1, max=16, help="spaCy worker processes.")
    ] = 1,
) -> None:
    """Tag documents: the store's untagged ones, or a JSONL file with --input/--output."""
    from nlp.model import ModelUnavailable
    from nlp.tagger import tag_file

    try:
        if input_file is not None or output_file is not None:
            if input_file is None or output_file is None:
                raise UsageError("file mode needs both --input and --output")
            if not input_file.is_file():
                raise UsageError(f"no such file: {input_file}")
            report = tag_file(input_file, output_file, processes=processes)
            for line, message in report.problems:
                err.print(Text(f"{input_file}:{line}: skipped: {message}"))
            out.print(f"tagged {report.tagged} documents into {output_file}")
            if report.problems:
                raise typer.Exit(1)
            return
        store = _store(ctx)
        done = _tag_store(store, processes=processes)
        out.print(f"tagged {done} documents ({store.count()} in the store)")
    except ModelUnavailable as exc:
        raise CommandError(str(exc)) from None


def _tag_store(store: Store, processes: int = 1) -> int:
    """Tag the store's untagged documents with a progress bar; returns how many."""
    from rich.progress import Progress

    from nlp.tagger import tag_store

    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("tagging", total=store.count())
        return tag_store(store, processes=processes, on_batch=lambda n: progress.advance(task, n))


@app.command()
def run(
    ctx: typer.Context,
    sources: SourcesOption = None,
    source: SourceIdsOption = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Allow one private HOST:PORT only (repeatable)."),
    ] = None,
) -> None:
    """Crawl the catalog, then tag what is new (developments join when they land)."""
    selected = _select_sources(sources, source)
    _run_crawl(
        ctx,
        selected,
        allow_private_hosts=False,
        allowed_hosts=tuple(allow_host or ()),
        workers=None,
        verbose=False,
    )
    out.print(f"tagged {_tag_store(_store(ctx))} documents")


def _not_yet(command: str, issue: str) -> NoReturn:
    raise CommandError(f"`policyradar {command}` is not available yet: it lands with the {issue}")


_PLANNED: dict[str, tuple[str, str]] = {
    "brief": ("Render the weekly briefing (md, html, pdf, docx).", "briefing issue"),
    "developments": ("Group documents into policy developments.", "developments issue"),
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
