"""Check the ontology plus the data with a real OWL reasoner: HermiT, run through owlready2.

The graph is written as N-Triples by :mod:`kg.writers`, loaded into an owlready2
world and classified by HermiT (Java). The check passes when the whole is
consistent and no class is unsatisfiable (equivalent to ``owl:Nothing``).

HermiT supports only the datatypes of the OWL 2 datatype map. Values of other
datatypes that the data uses (``xsd:date``, ``xsd:duration``, ``rdf:langString``
ranges) are ignored by the reasoner (HermiT's ``--ignoreUnsupportedDatatypes``);
the report names them, so nothing is skipped silently. SHACL (``kg validate``)
checks those values instead, and the data models around the gap: a duration
is also an OWL-Time ``time:Duration`` (``time:numericDuration``, an
``xsd:decimal``, with ``time:unitType``), which HermiT reads.

The JVM runs with :data:`JAVA_OPTIONS` (given through ``$JAVA_TOOL_OPTIONS``:
owlready2 starts ``java`` with a command line of its own and the caller's
environment): a user's own ``$JAVA_TOOL_OPTIONS`` replaces them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.errors import ServerError
from kg.namespaces import OWL, RDF, RDFS, XSD
from kg.sources import Sources, counted
from kg.writers import write_ntriples

#: The OWL 2 datatype map (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps): what HermiT understands.
OWL2_DATATYPES = frozenset(
    [RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational]
    + [XSD[name] for name in ("decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger")]
    + [XSD[name] for name in ("negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt")]
    + [XSD[name] for name in ("unsignedShort", "unsignedByte", "double", "float", "string", "normalizedString")]
    + [XSD[name] for name in ("token", "language", "Name", "NCName", "NMTOKEN", "boolean", "hexBinary")]
    + [XSD[name] for name in ("base64Binary", "anyURI", "dateTime", "dateTimeStamp")]
)

#: The options of HermiT's JVM: the quick compiler only (C1), one compiler thread and the serial collector. The
#: optimising compiler (C2) and the default G1 collector cost more than they save in runs of seconds to a minute:
#: the JVM of ``kg reason`` took 13.2 s of CPU (24.3 s wall) on 1 000 synthetic articles (158 168 triples) with the
#: JVM's defaults and 6.5 s (11.1 s wall) with these, ~1.9 s against ~1.0 s on the shipped article (2 CPUs, load
#: 7-9); HermiT's answers are the same.
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1"

#: The environment variable every JVM reads its extra options from (the JDK's own documented interface).
JAVA_OPTIONS_ENV = "JAVA_TOOL_OPTIONS"


@dataclass
class ReasonerReport:
    """What HermiT found: consistency, unsatisfiable classes, and the datatypes it had to ignore."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    ignored_datatypes: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    #: What :attr:`triples` counts (:func:`kg.sources.counted`), when the graph is the sources' union.
    counted: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable

    def format(self) -> str:
        lines = []
        if not self.consistent:
            lines.append("inconsistent: HermiT finds no model of the ontology plus the data")
        for iri in self.unsatisfiable:
            lines.append(f"unsatisfiable class: <{iri}>")
        if self.ignored_datatypes:
            names = ", ".join(f"<{d}>" for d in self.ignored_datatypes)
            lines.append(
                f"not in the OWL 2 datatype map, ignored by HermiT: {names} (kg validate checks these values "
                "with SHACL; durations are also given as OWL-Time time:numericDuration with time:unitType, "
                "which HermiT reads)"
            )
        verdict = "consistent, no unsatisfiable class" if self.ok else "FAILED"
        counted = f"{self.triples} triples ({self.counted})" if self.counted else f"{self.triples} triples"
        lines.append(f"HermiT on {counted} ({self.seconds:.1f} s): {verdict}")
        return "\n".join(lines) + "\n"


def unsupported_datatypes(graph: Graph) -> list[str]:
    """Datatypes used in literals or as property ranges that are outside the OWL 2 datatype map."""
    used = {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype is not None}
    builtin = (str(XSD._NS), str(RDF._NS))
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    used |= {
        r
        for p, r in graph.subject_objects(RDFS.range)
        if isinstance(r, URIRef) and str(r).startswith(builtin) and p not in object_properties
    }
    return sorted(str(d) for d in used - OWL2_DATATYPES)


def check_graph(graph: Graph) -> ReasonerReport:
    """Run HermiT on ``graph`` (ontology plus data) and report."""
    try:
        import owlready2
        from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit
    except ImportError:
        raise ServerError("the reasoner check needs owlready2 (it bundles HermiT): pip install owlready2") from None

    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise ServerError(
            "HermiT needs a Java runtime and none was found (Debian: apt-get install default-jre-headless)"
        )
    owlready2.JAVA_EXE = java
    started = time.monotonic()
    report = ReasonerReport(consistent=True, triples=len(graph), ignored_datatypes=unsupported_datatypes(graph))
    with tempfile.TemporaryDirectory(prefix="kg-reason-") as tmp:
        path = Path(tmp) / "kg.nt"
        path.write_text(write_ntriples(graph), encoding="utf-8")
        world = World()
        try:
            world.get_ontology(path.as_uri()).load()
            with _java_options():
                sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
        except OwlReadyInconsistentOntologyError:
            report.consistent = False
        except OwlReadyJavaError as exc:
            raise ServerError(f"HermiT failed: {str(exc).strip().splitlines()[-1]}") from None
        else:
            nothing = str(OWL.Nothing)
            report.unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != nothing)
        finally:
            world.close()
    report.seconds = time.monotonic() - started
    return report


@contextmanager
def _java_options() -> Iterator[None]:
    """``$JAVA_TOOL_OPTIONS`` set to :data:`JAVA_OPTIONS` while HermiT runs, unless the user set it (then kept)."""
    if JAVA_OPTIONS_ENV in os.environ:
        yield
        return
    os.environ[JAVA_OPTIONS_ENV] = JAVA_OPTIONS
    try:
        yield
    finally:
        os.environ.pop(JAVA_OPTIONS_ENV, None)


def check_consistency(data: Sequence[str | Path] | None = None) -> ReasonerReport:
    """``kg reason``: HermiT over the ontology, the vocabularies and the data (default: data/article.ttl)."""
    report = check_graph(Sources(data).union)
    report.counted = counted()
    return report
