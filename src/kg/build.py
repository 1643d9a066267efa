"""``kg build``: validate, then write every output into one directory, all or nothing.

Each output is a (name, file name, writer) entry of :func:`outputs`; a writer
takes the loaded graph and a path and writes one file. Outputs are written
into a staging folder inside the target (``.kg-build-<pid>-…``) and moved into
place only when all of them succeeded, so a failed build never leaves
half-written files. Each output is switched by one atomic rename (a folder by
an exchange, :func:`kg.output.replace_path`), so every output is always whole,
old or new, even after a ``kill -9``; staging folders of killed builds are
removed by the next build.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.errors import OutputError
from kg.load import load_graph
from kg.output import process_is_alive, replace_path
from kg.validate import Report, validate

Writer = Callable[[Graph, Path], None]


def outputs() -> list[tuple[str, str, Writer]]:
    """Every output of the build: (what it is, file name inside the build directory, writer)."""
    from kg.describe import write_description_file
    from kg.diagram import write_dot_file, write_svg_file
    from kg.docs import write_docs_dir
    from kg.explore import write_html
    from kg.export import write_export_dir

    diagram: list[tuple[str, str, Writer]] = [("class diagram (Graphviz)", "diagram.dot", write_dot_file)]
    if shutil.which("dot"):  # the SVG needs Graphviz; without it the build still writes everything else
        diagram.append(("class diagram (SVG)", "diagram.svg", write_svg_file))
    return [
        *diagram,
        ("exports (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML)", "export", write_export_dir),
        ("dataset description (VoID/DCAT)", "void.ttl", write_description_file),
        ("ontology documentation (HTML, English and Persian)", "ontology-docs", write_docs_dir),
        ("explorer (one offline HTML page)", "explorer.html", write_html),
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


@dataclass
class BuildResult:
    report: Report
    outputs: list[tuple[str, Path]] = field(default_factory=list)


def build(out_dir: str | Path = "build", data: Sequence[str | Path] | None = None) -> BuildResult:
    """Validate ``data`` and, if it conforms, write every output into ``out_dir``."""
    graph = load_graph(data)
    report = validate(data, graph=graph)
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
    try:
        written = []
        for name, filename, writer in outputs():
            writer(graph, staging / filename)
            written.append((name, filename))
        for name, filename in written:
            target = out / filename
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_path(staging / filename, target)
            result.outputs.append((name, target))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result
