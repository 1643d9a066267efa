"""Draw the ontology's main classes and properties as a Graphviz diagram.

The DOT source is generated from ``ontology/kg.ttl`` (so it cannot drift) and
rendered to SVG with Graphviz's ``dot`` when it is installed. The README shows
``docs/diagram.svg``; a test regenerates the DOT and compares it with
``docs/diagram.dot``.

>>> "Agreement" in to_dot(load_ontology())
True
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.errors import OutputError
from kg.limits import DOT_TIMEOUT
from kg.load import load_ontology
from kg.namespaces import KG, OWL, RDF, RDFS
from kg.output import write_atomically

_NS = str(KG._NS)


def _local(term: URIRef) -> str:
    return str(term)[len(_NS) :]


def _label(graph: Graph, term: URIRef, lang: str) -> str:
    for value in graph.objects(term, RDFS.label):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return _local(term)


def _quote(text: str) -> str:
    """A DOT string; ``\\n`` sequences in ``text`` stay line breaks."""
    return '"' + text.replace('"', '\\"') + '"'


def to_dot(graph: Graph) -> str:
    """The DOT source: kg: classes as boxes, subclass links dashed, object properties labelled."""
    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(_NS))
    lines = [
        "digraph kg {",
        '  graph [rankdir=LR, fontname="Vazirmatn, DejaVu Sans", fontsize=11, nodesep=0.25, ranksep=0.6,'
        ' label="kg ontology: classes (boxes), subclass of (dashed), object properties (solid)", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f1ea", fontname="DejaVu Sans", fontsize=10];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#555555"];',
    ]
    for cls in classes:
        label = f"{_local(cls)}\\n{_label(graph, cls, 'fa')}"
        lines.append(f"  {_quote(_local(cls))} [label={_quote(label)}];")
    class_set = set(classes)
    for cls in classes:
        for parent in sorted(graph.objects(cls, RDFS.subClassOf)):
            if parent in class_set:
                lines.append(f"  {_quote(_local(cls))} -> {_quote(_local(parent))} [style=dashed, arrowhead=empty];")
    properties = sorted(p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(_NS))
    for prop in properties:
        for domain in sorted(graph.objects(prop, RDFS.domain)):
            for range_ in sorted(graph.objects(prop, RDFS.range)):
                if domain in class_set and range_ in class_set:
                    lines.append(
                        f"  {_quote(_local(domain))} -> {_quote(_local(range_))} [label={_quote(_local(prop))}];"
                    )
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot: str) -> str:
    """Render DOT to SVG with Graphviz's ``dot``."""
    exe = shutil.which("dot")
    if exe is None:
        raise OutputError("Graphviz's `dot` is not installed (Debian: apt-get install graphviz)")
    try:
        done = subprocess.run(
            [exe, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, check=False, timeout=DOT_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise OutputError(f"dot did not finish within {DOT_TIMEOUT:g} s") from None
    if done.returncode != 0:
        raise OutputError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")


def write_dot_file(graph: Graph, path: Path) -> None:
    """Build output: the DOT source of the class diagram."""
    write_atomically({Path(path): to_dot(graph)})


def write_svg_file(graph: Graph, path: Path) -> None:
    """Build output: the class diagram as SVG."""
    write_atomically({Path(path): render_svg(to_dot(graph))})


def write_diagram(out_dir: str | Path) -> list[Path]:
    """Write ``diagram.dot`` and, when Graphviz is installed, ``diagram.svg`` into ``out_dir``."""
    out = Path(out_dir)
    graph = load_ontology()
    written = [out / "diagram.dot"]
    write_dot_file(graph, written[0])
    if shutil.which("dot"):
        write_svg_file(graph, out / "diagram.svg")
        written.append(out / "diagram.svg")
    return written
