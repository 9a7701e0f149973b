"""The `treillis` command: check, build, serve, mirror, import, suggest, harvest, align, new."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from treillis import __version__
from treillis.build import build as build_site
from treillis.build import load, theme_folders
from treillis.errors import BuildError, OutputError, SetupError, printable
from treillis.model import DOCUMENT_TYPES

if TYPE_CHECKING:
    from treillis.live import Update
    from treillis.scaffold import ScaffoldError

# What only some commands need is imported by them: `treillis build` with nothing to
# do (a no-op) must not pay for importing the renderer, the search or the scaffolding.

CONTENT = click.argument(
    "content",
    required=False,
    default="content",
    type=click.Path(file_okay=False, path_type=Path),
)
CONTENT_OPTION = click.option(
    "--content",
    "content",
    default="content",
    type=click.Path(file_okay=False, path_type=Path),
    show_default=True,
    help="The content folder.",
)


class _Console(Console):
    """A console whose every printed string goes through `printable`: a file name or a
    value carrying escape sequences or newlines never acts on the terminal nor splits a
    line. No emoji codes either (`urn:x:y` stays as written). Values are still never
    put in markup: print them with markup=False, escape() them, or in a `Text`."""

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(
            *(printable(item) if isinstance(item, str) else item for item in objects), **options
        )


err = _Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out = _Console(highlight=False, soft_wrap=True, emoji=False)


def _say(console: Console, *parts: str | tuple[str, str]) -> None:
    """One line of plain values and (text, style) parts: values never read as markup."""
    line = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        line.append(printable(text), style=style)
    console.print(line)


def _report_problems(error: BuildError) -> None:
    for problem in error.problems:
        # Plain text, not markup: paths and messages may contain brackets.
        err.print(str(problem), markup=False)
    count = len(error.problems)
    err.print(f"[bold red]{count} problem{'s' if count > 1 else ''} found; nothing was written.[/]")


@contextmanager
def _progress_bar(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """What shows the rendering's progress on a terminal: None elsewhere (and the bar's
    module is not even imported: an edit build takes less time than importing it)."""
    if quiet or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("Rendering"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("building", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def _clean_errors() -> Iterator[None]:
    """Problems in the content (exit 1) or the setup (exit 2), said plainly: no traceback."""
    try:
        yield
    except BuildError as error:
        _report_problems(error)
        sys.exit(1)
    except (OutputError, SetupError) as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        sys.exit(2)
    except OSError as error:
        # A disk full, a folder without write permission, a port already taken.
        where = f"{error.filename}: " if error.filename else ""
        err.print(f"[bold red]error:[/] {escape(where)}{escape(str(error.strerror or error))}")
        sys.exit(2)


def _warn(found: list) -> None:
    """Warnings do not stop anything: at most ten are listed, then a count."""
    for problem in found[:10]:
        _say(err, str(problem), ("  (warning)", "yellow"))
    if len(found) > 10:
        err.print(f"[yellow]… and {len(found) - 10} more warnings of this kind.[/]")


class _Group(click.Group):
    """Click's own errors (an unknown option, a missing file…) quote what was typed:
    shown through `printable` too."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _printable_click_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _printable_click_errors():
            return super().invoke(ctx)


@contextmanager
def _printable_click_errors() -> Iterator[None]:
    try:
        yield
    except click.ClickException as error:
        error.message = printable(error.message)
        raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="treillis")
def main() -> None:
    """Treillis builds a static site of thematic dossiers and a relational atlas."""


def _web_address(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    """The one address rule of site.yaml, for the options giving an address."""
    from treillis.readers.fields import address_problem

    if value and (problem := address_problem(value)):
        raise click.BadParameter(
            f"'{value}' is not a valid web address: {problem}; "
            "for instance https://example.org/atlas/"
        )
    return value


@main.command()
@CONTENT
@click.option(
    "--output",
    "-o",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the site to.",
)
@click.option(
    "--base-url",
    default=None,
    callback=_web_address,
    help="Public address of the site (used for feeds and canonical links).",
)
@click.option(
    "--theme",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="A theme folder overriding templates or static files of the default theme.",
)
@click.option(
    "--cache",
    "cache_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder keeping what a build read and wrote, for the next one [default: "
    ".treillis-cache beside CONTENT].",
)
@click.option("--no-cache", is_flag=True, help="Start from nothing and keep nothing.")
@click.option(
    "--strict",
    is_flag=True,
    help="Check the built site (links, anchors, titles…) and fail on any problem.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
def build(
    content: Path,
    output: Path,
    base_url: str | None,
    theme: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    strict: bool,
    quiet: bool,
) -> None:
    """Build the site of CONTENT (default ./content) into --output (default ./output)."""
    with _clean_errors(), _progress_bar(quiet) as progress:
        report = build_site(
            content,
            output,
            base_url=base_url,
            theme=theme,
            progress=progress,
            cache=False if no_cache else (cache_dir or True),
            strict=strict,
        )
    _warn(report.warnings)
    if not quiet and report.up_to_date:
        out.print(
            f"Nothing changed since the last build: {report.output} is up to date "
            f"({report.pages} pages, checked in {report.seconds:.2f} s).",
            markup=False,
        )
    elif not quiet:
        out.print(
            f"Built {report.pages} pages ({report.dossiers} dossiers, {report.documents} documents, "
            f"{report.descriptors} descriptors) and {report.files} files "
            f"into {report.output} in {report.seconds:.2f} s ({report.rendered} pages rendered, "
            "the others unchanged).",
            markup=False,
        )
        out.print(f"Diagrams: {report.diagrams} drawn.")
        out.print(f"Open {(report.output / 'index.html').resolve().as_uri()}", markup=False)


@main.command()
@CONTENT
@click.option(
    "--site",
    "built",
    default=None,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Check a generated site instead: links, anchors, titles, languages, descriptions.",
)
@click.option(
    "--base-url",
    default="",
    callback=_web_address,
    help="With --site: the site's address, for absolute links to it.",
)
def check(content: Path, built: Path | None, base_url: str) -> None:
    """Check the content of CONTENT (default ./content) without writing anything."""
    started = time.perf_counter()
    if built is not None:
        _check_built(built, base_url, started)
        return
    from treillis.i18n import Translations
    from treillis.validate import warnings

    with _clean_errors():
        site = load(content)
        # A theme named in site.yaml must exist, its catalogues be readable.
        interface = Translations.read(theme_folders(site, None), site.config.languages)
    _warn(warnings(site, interface))
    out.print(
        f"No problem found: {len(site.dossiers)} dossiers, {len(site.documents)} documents, "
        f"{len(site.descriptors)} descriptors, {len(site.families)} families "
        f"({time.perf_counter() - started:.2f} s)."
    )


def _check_built(built: Path, base_url: str, started: float) -> None:
    from treillis.sitecheck import check_site

    with _clean_errors():
        report = check_site(built, base_url)
    summary = (
        f"{report.pages} pages, {report.feeds} feeds and sitemaps, {report.links} links "
        f"checked; {len(report.external)} external addresses listed, not fetched "
        f"({time.perf_counter() - started:.2f} s)."
    )
    if report.problems:
        for problem in report.problems:
            err.print(str(problem), markup=False)
        _say(err, (f"{len(report.problems)} problem(s) in {built}.", "bold red"), f" {summary}")
        sys.exit(1)
    for address, count in sorted(report.external.items()):
        out.print(f"external: {address} ({count})", markup=False)
    out.print(f"No problem found: {summary}")


@main.command()
@CONTENT
@click.option(
    "--port",
    "-p",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the browser.")
@click.option(
    "--theme",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="A theme folder overriding templates or static files of the default theme.",
)
def serve(content: Path, port: int, open_browser: bool, theme: Path | None) -> None:
    """Preview CONTENT (default ./content) live: every save rebuilds and reloads the page."""
    import signal
    import threading
    import webbrowser

    from treillis import serve as preview

    def report(update: Update) -> None:
        if update.problems:
            for problem in update.problems:
                err.print(str(problem), markup=False)
            err.print(
                f"[bold red]{len(update.problems)} problem(s): the last good pages "
                "are still served.[/]"
            )
        else:
            out.print(
                f"Rebuilt in {update.seconds * 1000:.0f} ms: {len(update.changed)} page(s) "
                f"rendered, {len(update.removed)} removed."
            )

    def terminate(signum: int, frame: object) -> None:
        # `kill` stops as Ctrl+C does, helper processes (the search worker) included.
        raise KeyboardInterrupt

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminate) if in_main_thread else None
    try:
        with _clean_errors():
            running = preview.start(content, port, theme, report=report)
        out.print(f"Serving {content} at {running.url} (Ctrl+C to stop).", markup=False)
        if open_browser:
            webbrowser.open(running.url)
        try:
            # Woken now and then: a signal the kernel hands to another thread (the
            # watcher's, the server's) would not interrupt an endless wait here.
            while running.thread.is_alive():
                running.thread.join(timeout=0.5)
        except KeyboardInterrupt:
            out.print("Stopped.")
        finally:
            if in_main_thread:  # a second `kill` does not cut the orderly stop short
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            running.stop()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@main.command("mirror")
@click.argument("partner")
@CONTENT
@click.option(
    "--content",
    "content_option",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    hidden=True,
    help="Deprecated: give the content folder as CONTENT, as to the other commands.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the partner's subsite to.",
)
@click.option(
    "--base-url",
    default=None,
    callback=_web_address,
    help="Public address of the subsite (for feeds and canonical links).",
)
@click.option(
    "--main-url",
    default=None,
    callback=_web_address,
    help="Address of the main site [default: base_url in site.yaml].",
)
def mirror_command(
    partner: str,
    content: Path,
    content_option: Path | None,
    output: Path,
    base_url: str | None,
    main_url: str | None,
) -> None:
    """Build the subsite of PARTNER from CONTENT (default ./content): its dossiers,
    documents and local map."""
    from treillis.mirror import mirror

    if content_option is not None:
        if click.get_current_context().get_parameter_source("content") is not (
            click.core.ParameterSource.DEFAULT
        ):
            raise click.UsageError("give the content folder once: as CONTENT (--content is old)")
        err.print(
            "--content is deprecated: give the content folder as an argument, "
            f"treillis mirror {partner} {content_option}",
            markup=False,
        )
        content = content_option
    with _clean_errors():
        report = mirror(content, partner, output, base_url=base_url, main_url=main_url)
    out.print(
        f"Mirrored {partner}: {report.pages} pages ({report.dossiers} dossiers, "
        f"{report.documents} documents, {report.descriptors} descriptors) into {output} "
        f"in {report.seconds:.2f} s.",
        markup=False,
    )


@main.group("import")
def import_() -> None:
    """Bring a thesaurus or documents into the content."""


def _report_skipped(problems: list) -> None:
    """Items an import left out, as `path:line: message`; the command then exits 1."""
    if not problems:
        return
    for problem in problems:
        err.print(str(problem), markup=False)
    count = len(problems)
    err.print(
        f"[bold red]{count} problem{'s' if count > 1 else ''} found: "
        "what they name was not imported, the rest was.[/]"
    )
    sys.exit(1)


@import_.command("skos")
@click.argument("thesaurus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--family", default=None, help="Put every imported descriptor in this family.")
@click.option(
    "--name",
    default=None,
    help="Name of the atlas files to write [default: the thesaurus file's name].",
)
@click.option("--force", is_flag=True, help="Replace files edited by hand since the last import.")
@CONTENT_OPTION
def import_skos(
    thesaurus: Path, family: str | None, name: str | None, force: bool, content: Path
) -> None:
    """Import a SKOS thesaurus (RDF/XML or Turtle) into the atlas."""
    from treillis.importers.skos import ImportError_
    from treillis.importers.skos import import_skos as run

    with _clean_errors():
        try:
            report = run(content, thesaurus, family=family, name=name, force=force)
        except ImportError_ as error:
            err.print(f"[bold red]error:[/] {escape(str(error))}")
            sys.exit(1)
    for line in report.lines():
        out.print(line, markup=False)
    _report_skipped(report.problems)


def _plain_slug(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    from treillis.readers.fields import id_problem

    if value is not None and (problem := id_problem(value)):
        raise click.BadParameter(f"{problem}: name the dossier by its folder's name")
    return value


@import_.command("documents")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--dossier",
    required=True,
    callback=_plain_slug,
    help="The dossier that receives the documents (its folder's name).",
)
@click.option(
    "--map",
    "mapping",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file saying where each field comes from (see docs/partners.md).",
)
@click.option("--force", is_flag=True, help="Replace documents that already exist.")
@CONTENT_OPTION
def import_documents(folder: Path, dossier: str, mapping: Path, force: bool, content: Path) -> None:
    """Import a folder of Markdown files with another front matter into a dossier."""
    from treillis.importers.documents import DocumentImportError
    from treillis.importers.documents import import_documents as run

    with _clean_errors():
        try:
            report = run(content, folder, dossier, mapping, force=force)
        except DocumentImportError as error:
            err.print(f"[bold red]error:[/] {escape(str(error))}")
            sys.exit(1)
    for note in report.notes:
        err.print(note, markup=False)
    out.print(f"Imported {report.count} documents into dossiers/{dossier}/.", markup=False)
    _report_skipped(report.problems)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", "-n", default=10, show_default=True, help="How many descriptors.")
@CONTENT_OPTION
def suggest(file: Path, limit: int, content: Path) -> None:
    """Propose descriptors for a document: labels and synonyms found in its text."""
    from treillis.sources import SourceError, read_text, split_front_matter
    from treillis.suggest import Suggester

    with _clean_errors():
        site = load(content)
    try:
        text = read_text(file)
        source = split_front_matter(text) if text.startswith("---") else None
    except SourceError as error:
        err.print(f"{file}:{error.line}: {error.message}", markup=False)
        sys.exit(1)
    except OSError as error:  # a FIFO, a device, a file that went away or is not readable
        err.print(f"{file}:1: cannot read this file: {error.strerror}", markup=False)
        sys.exit(1)
    title = str(source.meta.get("title", "")) if source else ""
    lang = str(source.meta.get("lang", "")) if source else ""
    indexed_ids = source.meta.get("descriptors") if source else None
    # Whatever the field holds (a text, a list of groups…), only texts can name descriptors.
    indexed_ids = indexed_ids if isinstance(indexed_ids, list) else [indexed_ids]
    indexed = {item for item in indexed_ids if isinstance(item, str)}
    body = source.body if source else text
    summary = str(source.meta.get("summary", "")) if source else ""
    suggester = Suggester(
        site, lang if lang in site.config.languages else site.config.default_language
    )
    suggester.learn(site)
    suggestions = suggester.suggest(f"{summary}\n{body}", limit=limit, title=title)
    if not suggestions:
        out.print("No descriptor label or synonym was found in this text.")
    for item in suggestions:
        mark = "  (already indexed)" if item.descriptor in indexed else ""
        out.print(f"{item.descriptor:40} {item.label}  ×{item.occurrences}{mark}", markup=False)


@main.command()
@CONTENT
def harvest(content: Path) -> None:
    """Fetch the network's bases (site.yaml's `network:`) into CONTENT/network/."""
    from treillis.errors import Problem, Problems
    from treillis.network.harvest import HarvestError
    from treillis.network.harvest import harvest as harvest_bases
    from treillis.readers.config import read_config

    with _clean_errors():
        if not content.is_dir():
            raise BuildError([Problem(str(content), 1, "this content folder does not exist")])
        problems = Problems()
        config = read_config(content, problems)
        problems.raise_if_any()
    if not config.network:
        out.print("site.yaml lists no network bases ('network: bases:'): nothing to harvest.")
        return
    with _clean_errors():  # the network folder cannot be made, the disk is full…
        try:
            outcomes = harvest_bases(content, config.network)
        except HarvestError as error:
            err.print(f"[bold red]error:[/] {escape(str(error))}")
            sys.exit(2)
    for outcome in outcomes:
        _say(err if outcome.error else out, outcome.line())
    failed = sum(1 for outcome in outcomes if outcome.error)
    if failed:
        err.print(f"[bold red]{failed} of {len(outcomes)} bases failed.[/]")
        sys.exit(1)


@main.command()
@click.argument("base")
@CONTENT
def align(base: str, content: Path) -> None:
    """Propose descriptors for the keywords of a harvested BASE, in
    CONTENT/network/BASE.align.yaml, for an editor to decide (decisions are kept)."""
    from treillis.network.align import alignment_path, write_alignment

    with _clean_errors():
        site = load(content, aligned=False)  # its own decisions' problems are said below
        summary = write_alignment(content, site, base)
    _say(out, f"{alignment_path(content, base)}: {summary.line()}")
    _warn(summary.problems)  # decisions the build will refuse: said now, kept as written


@main.group()
def new() -> None:
    """Create a new site, theme, dossier, document or descriptor from a template."""


def _created(path: Path) -> None:
    out.print(f"Created {path}", markup=False)


def _scaffold_error(error: ScaffoldError) -> None:
    err.print(f"[bold red]error:[/] {escape(str(error))}")
    sys.exit(1)


@new.command("site")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="The site's title.")
@click.option(
    "--languages",
    default="fr",
    show_default=True,
    help="The site's languages, the first one by default: for instance fr,en,es.",
)
def new_site(folder: Path, title: str | None, languages: str) -> None:
    """Create a new site in FOLDER (new or empty): content that builds at once, a README
    for its editors, and workflows that publish it on GitHub Pages or GitLab Pages."""
    from treillis import scaffold

    with _clean_errors():  # a folder that cannot be written: said plainly
        try:
            codes = [code.strip() for code in languages.split(",") if code.strip()]
            scaffold.new_site(folder, title, codes)
        except scaffold.ScaffoldError as error:
            _scaffold_error(error)
    out.print(
        f"Created the site {folder}. Next: cd {folder}, then `treillis serve --open` to "
        "see it while you write, `treillis build` to build it (README.md says more).",
        markup=False,
    )


@new.command("theme")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--all", "whole", is_flag=True, help="Copy every file of the default theme, templates too."
)
def new_theme(folder: Path, whole: bool) -> None:
    """Create a theme in FOLDER (new or empty) with the default stylesheet to edit: its
    files replace the default theme's (use it with --theme FOLDER or `theme:` in site.yaml)."""
    from treillis import scaffold

    with _clean_errors():  # a folder that cannot be written: said plainly
        try:
            scaffold.new_theme(folder, whole)
        except scaffold.ScaffoldError as error:
            _scaffold_error(error)
    out.print(f"Created the theme {folder} (see docs/theming.md).", markup=False)


@new.command("dossier")
@click.argument("slug")
@click.option("--title", default=None, help="The dossier's title.")
@CONTENT_OPTION
def new_dossier(slug: str, title: str | None, content: Path) -> None:
    """Create dossiers/SLUG/index.md."""
    from treillis import scaffold

    with _clean_errors():  # a folder that cannot be written: said plainly
        try:
            _created(scaffold.new_dossier(content, slug, title))
        except scaffold.ScaffoldError as error:
            _scaffold_error(error)


@new.command("document")
@click.argument("key", metavar="DOSSIER/DOCUMENT")
@click.option("--title", default=None, help="The document's title.")
@click.option(
    "--type",
    "doc_type",
    default="experience",
    show_default=True,
    type=click.Choice(DOCUMENT_TYPES),
    help="The document's type.",
)
@CONTENT_OPTION
def new_document(key: str, title: str | None, doc_type: str, content: Path) -> None:
    """Create dossiers/DOSSIER/DOCUMENT.md."""
    from treillis import scaffold

    with _clean_errors():  # a folder that cannot be written: said plainly
        try:
            _created(scaffold.new_document(content, key, title, doc_type))
        except scaffold.ScaffoldError as error:
            _scaffold_error(error)


@new.command("descriptor")
@click.argument("descriptor_id", metavar="ID")
@click.option("--family", required=True, help="The family of the descriptor.")
@click.option("--label", default=None, help="The label in the default language.")
@click.option("--broader", multiple=True, help="A broader descriptor (repeat for several).")
@click.option(
    "--file",
    "file_name",
    default=None,
    help="The file of atlas/descriptors to add it to (default: one named after the family).",
)
@CONTENT_OPTION
def new_descriptor(
    descriptor_id: str,
    family: str,
    label: str | None,
    broader: tuple[str, ...],
    file_name: str | None,
    content: Path,
) -> None:
    """Add a descriptor to the atlas."""
    from treillis import scaffold

    with _clean_errors():  # a folder that cannot be written: said plainly
        try:
            path = scaffold.new_descriptor(
                content, descriptor_id, family, label, list(broader), file_name
            )
        except scaffold.ScaffoldError as error:
            _scaffold_error(error)
    out.print(f"Added the descriptor '{descriptor_id}' to {path}", markup=False)
