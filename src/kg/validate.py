"""Validate the graph: SHACL shapes, provenance quotes, declared terms, labels, Wikidata links, orthography.

Every check returns :class:`Finding` rows; :func:`validate` gathers them into
a :class:`Report`, which conforms only when there are none (``kg validate``
exits 1 otherwise; an unreadable input is a :class:`~kg.errors.LoadError`,
exit 2).

The shapes are W3C SHACL, run by pyshacl-turbo (pySHACL, the reference
implementation, on request: :data:`SHACL_ENGINES`). The other checks are our
own because they are this project's rules, not a standard's: NIF 2.0 quotes
re-read at their code-point offsets of ``data/article.txt``, terms declared in
the ontology, labels in both languages, Persian orthography, well-typed
literals, and Wikidata links only to the verified ids of
``data/reference/wikidata.tsv``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DefinedNamespace

from kg import resources
from kg.base_iri import current_base
from kg.content import Memo
from kg.i18n import LANGUAGES
from kg.load import article_text, check_input, parse_turtle
from kg.namespaces import (
    DCAT,
    DCTERMS,
    ID,
    ITSRDF,
    KG,
    NIF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VANN,
    VOID,
    WD,
    XSD,
)
from kg.sources import Sources
from kg.terms import curie

if TYPE_CHECKING:
    from pyshacl_turbo import CompiledShapes

#: Vocabularies whose term lists rdflib ships: a term outside them is a typo.
_CLOSED_VOCABULARIES: tuple[type[DefinedNamespace], ...] = (
    SDO, ORG, PROV, SKOS, TIME, OWL, RDF, RDFS, DCTERMS, DCAT, VOID, VANN, SH, XSD, NIF, ITSRDF, KG,
)  # fmt: skip

#: Letters that have a Persian form: Arabic yeh and kaf must not appear in @fa labels.
_NON_PERSIAN_LETTERS = {"\u064a": "Arabic yeh (ي)", "\u0643": "Arabic kaf (ك)", "\u0649": "alef maksura (ى)"}

#: Compounds that Persian writes with a zero-width non-joiner (U+200C), in the wrong forms
#: the source text uses (run together, or split by a space). Verbatim quotes are exempt.
_ZWNJ_COMPOUNDS = {
    wrong: right
    for right in (
        "رئیس\u200cجمهور",
        "همکاری\u200cها",
        "راه\u200cآهن",
        "حمل\u200cونقل",
        "بین\u200cالمللی",
        "تفاهم\u200cنامه",
        "منطقه\u200cای",
        "هسته\u200cای",
        "می\u200cشود",
        "می\u200cتواند",
        "گفت\u200cوگو",
        "حجت\u200cالاسلام",
    )
    for wrong in (right.replace("\u200c", ""), right.replace("\u200c", " "))
}

#: Words Persian (and its press) writes apart, in the wrong forms labels have used: joined by a ZWNJ
#: into one visual word, or run together. Verbatim quotes are exempt.
_SPACED = {
    wrong: right
    for right in ("قاسم ژومارت", "رؤسای جمهور", "سامروک قازینا", "فراز و فرود", "فراز و نشیب")
    for wrong in sorted({right.replace(" ", "\u200c"), right.replace(" ", "")} - {right})
}

#: A quotation of the article between guillemets: kept verbatim, so exempt from the ZWNJ check.
_QUOTE = re.compile(r"«[^«»]*»")

#: Any wrong form of :data:`_ZWNJ_COMPOUNDS` and :data:`_SPACED`: one search finds the values that need a closer look.
_MISWRITTEN = re.compile("|".join(re.escape(wrong) for wrong in [*_ZWNJ_COMPOUNDS, *_SPACED]))


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, the focus node, the path, the value and a message."""

    check: str
    focus: str
    path: str
    message: str
    value: str = ""


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    #: How many findings each check (of :attr:`checks`) made.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return not self.findings

    def format(self) -> str:
        """A readable report: one block per finding, then a summary line."""
        lines: list[str] = []
        for f in self.findings:
            lines.append(f"[{f.check}] {f.focus}")
            if f.path:
                lines.append(f"    path:    {f.path}")
            if f.value:
                lines.append(f"    value:   {f.value}")
            lines.append(f"    message: {f.message}")
        verdict = "conforms" if self.conforms else f"does not conform: {len(self.findings)} problem(s)"
        lines.append(f"checked {', '.join(self.checks)}: {verdict}")
        return "\n".join(lines) + "\n"


def _short(graph: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        return curie(term)
    if isinstance(term, Literal):
        text = str(term)
        return repr(text if len(text) < 80 else text[:77] + "...") + (f"@{term.language}" if term.language else "")
    return str(term)


# --------------------------------------------------------------------------- SHACL

#: The SHACL engines :func:`check_shapes` can run. pyshacl-turbo validates the article in
#: about 0.06 s where pySHACL takes 4.5 s (pySHACL's rdflib re-parses each SPARQL-based
#: constraint once per focus node: 344 parses); pySHACL stays the reference that the
#: tests compare it with, on the shipped data and on broken copies.
SHACL_ENGINES = ("pyshacl-turbo", "pyshacl")


def check_shapes(data: Graph, shapes: Graph | CompiledShapes, *, engine: str = "pyshacl-turbo") -> list[Finding]:
    """SHACL conformance of ``data`` (which includes the ontology) against ``shapes``.

    ``engine`` is one of :data:`SHACL_ENGINES`: ``pyshacl-turbo`` (the default, a Rust
    SHACL engine with pySHACL's API) or ``pyshacl`` (the reference implementation, which
    ``tests/test_validate.py`` checks gives the same findings). Any other name is a ValueError.
    ``shapes`` is a graph of shapes, or shapes compiled already (:func:`compiled_shapes`).
    """
    if engine not in SHACL_ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}: choose one of {', '.join(SHACL_ENGINES)}")
    if engine == "pyshacl-turbo":
        from pyshacl_turbo import compile_shapes

        program = compile_shapes(shapes, advanced=True) if isinstance(shapes, Graph) else shapes
        # What pyshacl_turbo.validate does with a graph of shapes, without inference or an ontology graph: compile
        # the shapes, then validate ``data`` with them (not in place), its report's literals normalised.
        conforms, results, _ = program.validate(
            data, inference="none", allow_warnings=False, abort_on_first=False, _normalize_report_literals=True
        )
    else:
        from pyshacl import validate as shacl_validate

        graph = shapes if isinstance(shapes, Graph) else shapes.graph
        # With no inference and no SHACL rule (sh:rule) among the shapes, validating adds nothing to ``data``: in
        # place, pySHACL does not copy the whole graph first (0.12 -> 0.09 s for the ontology and every shape).
        conforms, results, _ = shacl_validate(
            data, shacl_graph=graph, inference="none", advanced=True, allow_warnings=False, abort_on_first=False,
            inplace=(None, SH.rule, None) not in graph,
        )  # fmt: skip
    if conforms:
        return []
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        messages = sorted(
            results.objects(result, SH.resultMessage), key=lambda m: (getattr(m, "language", None) != "en", m)
        )
        message = messages[0] if messages else _constraint_name(results, result)
        findings.append(
            Finding(
                "shacl",
                _short(data, focus),
                _short(data, path) if path is not None and not isinstance(path, BNode) else "",
                str(message),
                _short(data, value) if value is not None else "",
            )
        )
    return sorted(findings, key=lambda f: (f.focus, f.path, f.message))


#: Shapes compiled by :func:`compiled_shapes`, by the content of their file and the base IRI they were read with
#: (:class:`kg.content.Memo`: at most :data:`_COMPILED_KEPT`, the least recently used dropped first).
_COMPILED_KEPT = 4
_COMPILED = Memo(capacity=_COMPILED_KEPT)


def compiled_shapes(path: str | Path, read: Callable[[], Graph]) -> CompiledShapes:
    """The shapes of the file ``path`` compiled by pyshacl-turbo, once per process for the same bytes.

    ``read`` gives the file's graph by the strict reader (a broken file is its LoadError, with its
    position); it is called only for bytes not compiled yet. Compiling the shipped shapes took 0.02 s
    and their graph 0.02 s more, in each of the many validations a test run (or a long-lived
    process) makes of unchanged files; the key is the content, not the name (:class:`kg.content.Memo`),
    so an edited file is read and compiled again, and a file that changed while it was read is
    compiled, not kept.
    """
    from pyshacl_turbo import compile_shapes

    path, _ = check_input(path, scan=False)  # a missing, unreadable or oversized file: the reader's own error
    kind = ("shapes", current_base())
    found = _COMPILED.find(path, kind)
    if found is not None:
        return found  # type: ignore[return-value]
    try:
        before = path.read_bytes()
    except OSError:
        return compile_shapes(read(), advanced=True)  # the reader names the fault
    program = compile_shapes(read(), advanced=True)
    try:
        unchanged = path.read_bytes() == before
    except OSError:
        unchanged = False
    if unchanged:
        _COMPILED.add(kind, before, program, 1)
    return program


def _constraint_name(results: Graph, result: object) -> str:
    component = results.value(result, SH.sourceConstraintComponent)
    return f"violates {_short(results, component)}" if component is not None else "violates a shape"


# --------------------------------------------------------------------------- provenance quotes


def check_quotes(graph: Graph, text: str) -> list[Finding]:
    """Every mention's quote equals the text of its article at its offsets (code points, as NIF counts).

    ``text`` is data/article.txt: the shipped article (``kgi:article``) must hold it verbatim in
    nif:isString. Any other article (``kg synth`` writes many) is checked against its own
    nif:isString; a mention with no known article is checked against ``text``.
    """
    findings = []
    texts: dict[object, str] = {}
    for context in graph.subjects(RDF.type, KG.NewsArticle):
        held = graph.value(context, NIF.isString)
        if context == ID["article"] and (held is None or str(held) != text):
            findings.append(
                Finding("quotes", _short(graph, context), "nif:isString", "does not equal data/article.txt verbatim")
            )
        elif held is not None:
            texts[context] = str(held)
    for mention in sorted(set(graph.subjects(RDF.type, KG.Mention))):
        begin = graph.value(mention, NIF.beginIndex)
        end = graph.value(mention, NIF.endIndex)
        anchor = graph.value(mention, NIF.anchorOf)
        if begin is None or end is None or anchor is None:
            continue  # the shapes report the missing values
        context = graph.value(mention, NIF.referenceContext)
        text_of = texts.get(context, text) if context != ID["article"] else text
        b, e = int(begin), int(end)
        if not (0 <= b < e <= len(text_of)):
            outside = f"span {b}-{e} lies outside the text (0-{len(text_of)})"
            findings.append(Finding("quotes", _short(graph, mention), "nif:endIndex", outside))
            continue
        if text_of[b:e] != str(anchor):
            findings.append(
                Finding(
                    "quotes",
                    _short(graph, mention),
                    "nif:anchorOf",
                    f"the text at {b}-{e} is {text_of[b:e]!r}, not the quoted {str(anchor)!r}",
                )
            )
        if isinstance(mention, URIRef) and not str(mention).endswith(f"/span/{b}-{e}"):
            findings.append(Finding("quotes", _short(graph, mention), "", f"a mention's IRI must end in /span/{b}-{e}"))
    return findings


# --------------------------------------------------------------------------- declared terms


def _declared(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}


def _in_closed_vocabulary(term: URIRef) -> bool | None:
    """True/False when ``term`` is in a vocabulary whose term list we know; None otherwise."""
    for vocab in _CLOSED_VOCABULARIES:
        ns = str(vocab._NS)
        if str(term).startswith(ns):
            local = str(term)[len(ns) :]
            return local in vocab.__annotations__ or local in getattr(vocab, "_extras", [])
    return None


def check_terms(graph: Graph, ontology: Graph) -> list[Finding]:
    """Every property and class used is declared in the ontology or is a real term of a known vocabulary."""
    declared = _declared(ontology)
    findings = []
    used_props = {p for p in graph.predicates()}
    used_classes = {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    for kind, terms in (("property", used_props), ("class", used_classes)):
        for term in sorted(terms):
            known = _in_closed_vocabulary(term)
            if known is False:
                findings.append(Finding("terms", _short(graph, term), "", f"no such {kind} in its vocabulary"))
            elif term not in declared and not known:
                findings.append(Finding("terms", _short(graph, term), "", f"{kind} is not declared in the ontology"))
            elif str(term).startswith(str(KG._NS)) and term not in declared:
                findings.append(Finding("terms", _short(graph, term), "", f"{kind} is not declared in ontology/kg.ttl"))
    return findings


# --------------------------------------------------------------------------- labels


def check_labels(ontology: Graph) -> list[Finding]:
    """Every kg: class and property has rdfs:label and rdfs:comment in English and Persian."""
    findings = []
    for term in sorted(_declared(ontology)):
        if not str(term).startswith(str(KG._NS)):
            continue
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)}
            for lang in LANGUAGES:
                if lang not in langs:
                    findings.append(
                        Finding("labels", _short(ontology, term), _short(ontology, prop), f"no @{lang} value")
                    )
        if (term, RDFS.isDefinedBy, None) not in ontology:
            findings.append(Finding("labels", _short(ontology, term), "rdfs:isDefinedBy", "missing"))
    return findings


def check_orthography(graph: Graph) -> list[Finding]:
    """Persian labels, comments and curator notes use Persian yeh and kaf, ZWNJ where needed, and spaces
    between words Persian writes apart.

    Checks every ``@fa`` value of the label-like properties, skos:editorialNote and the curation's
    texts (a slip's reason, an identification's basis, a cue's scope); not the verbatim ones
    (schema:text, a title's own subject, kg:titleSubject). Quotations of the article between
    guillemets («…») keep its spelling verbatim, so the ZWNJ check skips them (the letter check
    does not: the article has no Arabic yeh or kaf). Alternative labels (skos:altLabel) may record
    a name as the article spells it, so only the letter check applies to them.
    """
    findings = []
    label_props = (
        RDFS.label,
        RDFS.comment,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.definition,
        SKOS.editorialNote,
        KG.reason,
        KG.intendedForm,
        KG.basis,
        KG.cueScope,
    )
    for prop in label_props:
        for subject, value in graph.subject_objects(prop):
            if not isinstance(value, Literal) or value.language != "fa":
                continue
            problems = [f"uses {name}" for ch, name in _NON_PERSIAN_LETTERS.items() if ch in value]
            outside_quotes = _QUOTE.sub(" ", str(value)) if prop != SKOS.altLabel else ""
            if _MISWRITTEN.search(outside_quotes):
                problems += [
                    f"writes {wrong!r} where Persian needs a ZWNJ: {right!r}"
                    for wrong, right in _ZWNJ_COMPOUNDS.items()
                    if wrong in outside_quotes
                ]
                problems += [
                    f"writes {wrong!r} where Persian writes words apart: {right!r}"
                    for wrong, right in _SPACED.items()
                    if wrong in outside_quotes
                ]
            if problems:
                where = (_short(graph, subject), _short(graph, prop))
                findings += [Finding("orthography", *where, problem, _short(graph, value)) for problem in problems]
    return findings


# --------------------------------------------------------------------------- Wikidata


def read_wikidata_reference(path: Path | None = None) -> dict[str, str]:
    """QID -> English label of every verified Wikidata id."""
    path = path or resources.wikidata_reference_path()
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return {row["qid"]: row["label_en"] for row in csv.DictReader(handle, delimiter="\t")}


def check_wikidata(graph: Graph, reference: dict[str, str]) -> list[Finding]:
    """Every Wikidata link points to an id of data/reference/wikidata.tsv."""
    findings = []
    for subject, target in graph.subject_objects(OWL.sameAs):
        if not str(target).startswith(str(WD)):
            findings.append(
                Finding("wikidata", _short(graph, subject), "owl:sameAs", "links outside Wikidata", str(target))
            )
            continue
        qid = str(target)[len(str(WD)) :]
        if qid not in reference:
            findings.append(
                Finding("wikidata", _short(graph, subject), "owl:sameAs", "id not in data/reference/wikidata.tsv", qid)
            )
    return findings


# --------------------------------------------------------------------------- all together

#: The checks :func:`validate` runs and reports, in order (``kg validate --help`` names each).
CHECKS = (
    "SHACL shapes",
    "quotes at offsets",
    "declared terms",
    "labels",
    "Persian orthography",
    "Wikidata links",
    "well-typed literals",
)


def validate(
    data: Sequence[str | Path] | None = None,
    *,
    shapes: str | Path | None = None,
    graph: Graph | None = None,
    sources: Sources | None = None,
) -> Report:
    """Run every check (:data:`CHECKS`) on the ontology plus ``data`` (default: the shipped data/article.ttl).

    Pass ``sources`` when the parts are already read (``kg build``), so every file is read once;
    ``graph`` checks that graph instead of the union of the sources (its files' literals still come
    from the sources).
    """
    sources = Sources(data) if sources is None else sources
    graph = sources.union if graph is None else graph  # the user's files first: a broken one fails fast
    ontology = sources.schema
    if shapes is None:
        program = compiled_shapes(resources.shapes_path(), lambda: sources.shapes)
    else:
        program = compiled_shapes(shapes, lambda: parse_turtle(shapes))
    report = Report()
    steps = zip(
        CHECKS,
        (
            check_shapes(graph, program),
            check_quotes(graph, article_text()),
            check_terms(graph, ontology),
            check_labels(ontology),
            check_orthography(graph),
            check_wikidata(graph, read_wikidata_reference()),
            [Finding("literals", *bad.report()) for bad in sources.ill_typed_literals()],
        ),
        strict=True,
    )
    for name, findings in steps:
        report.checks.append(name)
        report.counts[name] = len(findings)
        report.findings.extend(findings)
    return report
