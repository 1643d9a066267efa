"""``kg build``: validate, then write every output into one directory, all or nothing.

Each output is a (name, file name, writer) entry of :func:`outputs`; a writer
takes the build's :class:`~kg.sources.Sources` (each part of the graph read once)
and a path and writes one file. Outputs are written
into a staging folder inside the target (``.kg-build-<pid>-…``) and moved into
place only when all of them succeeded, so a failed build never leaves
half-written files. Each output is switched by one atomic rename (a folder by
an exchange, :func:`kg.output.replace_path`), so every output is always whole,
old or new, even after a ``kill -9``; staging folders of killed builds are
removed by the next build.

Outputs that depend on less than the whole graph (the ontology documentation
depends only on the ontology files and the code that renders them) are written
again only when the SHA-256 of those inputs changed since the last build into
the same directory, or when asked (``force=True``, ``kg build --force``). The
digests are kept in ``<out>/.kg-inputs.json``.

Without Graphviz the SVG class diagram cannot be drawn: the build still writes
everything else and lists the SVG in :attr:`BuildResult.skipped` with the reason
(``kg build`` prints it on stderr); it is never skipped silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import resources
from kg.errors import OutputError
from kg.output import check_output, process_is_alive, replace_path, write_atomically

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.sources import Sources
    from kg.validate import Report

Writer = Callable[["Sources", Path], None]

#: Where a build directory records the digests of the inputs of the outputs it may keep.
INPUTS_FILE = ".kg-inputs.json"

#: Why the SVG diagram is missing from a build on a machine without Graphviz.
NO_GRAPHVIZ = "Graphviz's `dot` is not installed (Debian: apt-get install graphviz); diagram.dot was written"


def outputs(sources: Sources) -> list[tuple[str, str, Writer]]:
    """Every output of the build: (what it is, file name inside the build directory, writer).

    Each writer takes the build's :class:`~kg.sources.Sources` (every part read once) and a path;
    the dataset description in the exports and in void.ttl names the files read as its sources,
    with their dates.
    """
    from kg.diagram import write_dot_file, write_svg_file
    from kg.export import write_export_dir

    def on_union(write: Callable[[Graph, Path], None]) -> Writer:
        return lambda read, path: write(read.union, path)

    diagram: list[tuple[str, str, Writer]] = [("class diagram (Graphviz)", "diagram.dot", on_union(write_dot_file))]
    if shutil.which("dot"):  # the SVG needs Graphviz; without it build() reports it in BuildResult.skipped
        diagram.append(("class diagram (SVG)", "diagram.svg", on_union(write_svg_file)))
    return [
        *diagram,
        ("exports (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML)", "export", write_export_dir),
        ("dataset description (VoID/DCAT)", "void.ttl", _write_description),
        ("ontology documentation (HTML, English and Persian)", "ontology-docs", _write_docs_dir),
        ("explorer (one offline HTML page)", "explorer.html", _write_explorer),
        ("static site (kg publish: pages, RDF, w3id.org rules)", "site", _write_site_dir),
    ]


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove the staging folders (``.kg-build-<pid>-…``) of builds whose process no longer runs."""
    removed = []
    for path in out.glob(".kg-build-*"):
        match = re.match(r"\.kg-build-(\d+)-", path.name)
        if match and path.is_dir() and not process_is_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _write_description(sources: Sources, path: Path) -> None:
    from kg.writers import write_turtle

    write_atomically({path: write_turtle(sources.description())})  # the description the exports hold too


def _write_explorer(sources: Sources, path: Path) -> None:
    from kg.publish.static import explorer_page

    write_atomically({path: explorer_page(sources)})  # the page the static site holds too


def _write_docs_dir(sources: Sources, path: Path) -> None:
    from kg.docs import write_docs_dir

    write_docs_dir(sources.schema, path, site="../site/")  # the build's static site, beside the docs


def _write_site_dir(sources: Sources, path: Path) -> None:
    from kg.publish.static import write_site

    # The build stages each output as out/.kg-build-…/NAME: the site it replaces is out/NAME, whose
    # unchanged files are hard-linked, not written again (and so not freed when the old one is removed).
    write_site(path, sources=sources, previous=path.parent.parent / path.name)


def _digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _docs_inputs(sources: Sources) -> str:
    """SHA-256 of what the ontology documentation is made from: the ontology files and kg/docs.py."""
    return _digest([*resources.ontology_paths(), Path(__file__).with_name("docs.py")])


def _site_inputs(sources: Sources) -> str:
    """SHA-256 of what the static site is made from: every file read, the shapes, and the code and
    templates that render it (kg.publish, the writers, the docs, the explorer, the UI strings)."""
    package = Path(__file__).parent
    code = [*sorted((package / "publish").glob("*.py")), *sorted((package / "templates").rglob("*.*"))]
    code += sorted((package / "writers").glob("*.py"))
    code += [package / name for name in ("docs.py", "i18n.toml", "describe.py", "text.py")]
    return _digest([*sources.paths, resources.shapes_path(), *code])


def explorer_inputs(data: Sequence[str | Path] | None) -> str:
    """SHA-256 of what the explorer page is made from: the files read (the shipped ones and ``data``) and kg's
    code, templates and UI strings. Recorded by the build beside ``explorer.html`` (never used to keep it), so
    that ``kg serve`` serves that page only for the same inputs (:func:`built_explorer`)."""
    from kg.sources import Sources

    package = Path(__file__).parent
    code = [*sorted(package.rglob("*.py")), *sorted((package / "templates").rglob("*.*")), package / "i18n.toml"]
    return _digest([*Sources(data).paths, *code])


def built_explorer(page: Path, data: Sequence[str | Path] | None) -> Path | None:
    """``page`` (a build's ``explorer.html``) if that build made it from ``data`` with this code, else None: a
    page left by an earlier build, or by a build of other data, is not the explorer of ``data``."""
    if not page.is_file():
        return None
    recorded = _recorded_digests(page.parent).get(page.name)
    return page if recorded is not None and recorded == explorer_inputs(data) else None


#: File name -> digest of its inputs, for the outputs kept when their inputs did not change.
_INPUT_DIGESTS: dict[str, Callable[[Sources], str]] = {"ontology-docs": _docs_inputs, "site": _site_inputs}


@dataclass
class BuildResult:
    """What a build did: the validation report, the outputs written, kept and skipped.

    ``outputs``: (what, path) written by this build; ``kept``: (what, path) left as they
    were because their inputs did not change; ``skipped``: (what, why) not written at all.
    """

    report: Report
    outputs: list[tuple[str, Path]] = field(default_factory=list)
    kept: list[tuple[str, Path]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _recorded_digests(out: Path) -> dict[str, str]:
    try:
        recorded = json.loads((out / INPUTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def build(
    out_dir: str | Path = "build", data: Sequence[str | Path] | None = None, *, force: bool = False
) -> BuildResult:
    """Validate ``data`` and, if it conforms, write every output into ``out_dir``.

    Outputs whose inputs did not change since the last build into ``out_dir`` are kept
    unless ``force``. Raises OutputError when the directory cannot be written.
    """
    from kg.sources import Sources
    from kg.validate import validate

    check_output(out_dir, directory=True)  # an unwritable directory is refused before any work
    sources = Sources(data)
    report = validate(sources=sources)
    sources.report = report  # the description's quality measurements include what validation found
    result = BuildResult(report)
    if not report.conforms:
        return result
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out)
        staging = Path(tempfile.mkdtemp(prefix=f".kg-build-{os.getpid()}-", dir=out))
    except OSError as exc:
        raise OutputError(f"cannot write the build directory: {exc.strerror}", path=out) from None
    recorded = {} if force else _recorded_digests(out)
    digests = {filename: inputs(sources) for filename, inputs in _INPUT_DIGESTS.items()}
    try:
        written = []
        for name, filename, writer in outputs(sources):
            if recorded.get(filename) == digests.get(filename, "") and (out / filename).exists():
                result.kept.append((name, out / filename))
                continue
            writer(sources, staging / filename)
            written.append((name, filename))
        for name, filename in written:
            target = out / filename
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_path(staging / filename, target)
            result.outputs.append((name, target))
        record = {**digests, "explorer.html": explorer_inputs(data)}  # for kg serve (built_explorer)
        write_atomically({out / INPUTS_FILE: json.dumps(record, indent=2, sort_keys=True) + "\n"})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not shutil.which("dot"):
        result.skipped.append(("class diagram (SVG)", NO_GRAPHVIZ))
    return result
