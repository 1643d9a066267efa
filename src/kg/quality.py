"""The dataset's quality, measured from the graph itself, in the W3C Data Quality Vocabulary (DQV).

The dataset description (:mod:`kg.describe`) carries one ``dqv:QualityMeasurement``
per metric below, each ``dqv:computedOn`` the dataset, with its value computed
here from the graph (nothing is typed in by hand, so a measurement cannot drift
from the data it measures). Each metric is a ``dqv:Metric`` defined in English
and Persian, placed in a dimension of the W3C's Linked Data quality dimensions
(``ldqd:``, from Zaveri et al., which the DQV note ships as its example
taxonomy):

* ``slips``: slips of the source article the curation found and corrected
  (``kg:Slip``), in *semantic accuracy*: each is a place where the article is
  wrong and the graph says so, with the reading it adopts instead;
* ``doubtful-identifications``: identifications kept as doubts
  (``kg:Identification``), in *trustworthiness*;
* ``named-entities``, ``linked-to-wikidata`` and ``traced-to-text``: how many
  places, people and organisations the graph names, and the share of them with
  an ``owl:sameAs`` link to Wikidata (*interlinking*) and with at least one
  mention in the article (*trustworthiness*: each can be checked against its
  source);
* ``bilingual-labels``: the share of the graph's own labelled IRIs with a label
  in both English and Persian (*understandability*);
* and, when the caller validated the data (``kg build`` does, before it writes
  anything, so its static site and exports carry them; ``kg describe`` does),
  ``validation-findings``: the problems ``kg validate`` found, all checks
  together (*consistency*), with one measurement per check. ``kg publish`` and
  ``kg serve`` alone do not validate (at 1 000 articles validation takes about
  20 s and an rdflib graph of the union), so their description has no such
  measurement rather than a made-up one.

Shares are ``xsd:decimal`` between 0 and 1, rounded to four places; counts are
``xsd:integer``. This module only counts; the description says where they go.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Protocol

from pyoxigraph import Literal, NamedNode

from kg.described import DATASET, Terms, decimal, integer
from kg.i18n import format_number
from kg.namespaces import PREFIXES

DQV, ITSRDF, KG, LDQD, OWL, RDF, RDFS, SKOS, XSD = (
    Terms(prefix) for prefix in ("dqv", "itsrdf", "kg", "ldqd", "owl", "rdf", "rdfs", "skos", "xsd")
)
ID, WD = PREFIXES["kgi"], PREFIXES["wd"]

#: The classes whose instances count as named entities (with their subclasses, as the ontology states them).
NAMED_ENTITY_CLASSES = (KG.Place, KG.Person, KG.Organization)


class ValidationReport(Protocol):
    """What the description needs of a validation report (:class:`kg.validate.Report`)."""

    checks: list[str]
    findings: list[Any]
    counts: dict[str, int]


#: name -> (dimension, datatype, English definition, Persian definition)
METRICS: dict[str, tuple[NamedNode, NamedNode, str, str]] = {
    "slips": (
        LDQD.semanticAccuracy,
        XSD.integer,
        "Slips of the source article (a wrong name, number or place) that the curation found and corrected: "
        "each kg:Slip keeps the words as written beside the reading the graph adopts.",
        "لغزش‌های خبرِ منبع (نام، عدد یا مکانِ نادرست) که در ویرایش پیدا و اصلاح شده‌اند: هر kg:Slip "
        "نوشتهٔ خبر را کنار خوانشی که گراف برگزیده نگه می‌دارد.",
    ),
    "doubtful-identifications": (
        LDQD.trustworthiness,
        XSD.integer,
        "Identifications the curation is not sure of, kept as doubts (kg:Identification) with the readings "
        "and the basis.",
        "شناسایی‌هایی که ویرایش به آن‌ها مطمئن نیست و به‌صورت تردید نگه داشته شده‌اند (kg:Identification)، "
        "همراه با خوانش‌ها و دلیل.",
    ),
    "named-entities": (
        LDQD.completeness,
        XSD.integer,
        "Places, people and organisations the graph names (instances of kg:Place, kg:Person, kg:Organization "
        "and their subclasses).",
        "مکان‌ها، افراد و سازمان‌هایی که گراف نام می‌برد (نمونه‌های kg:Place، kg:Person، kg:Organization و زیرکلاس‌هایشان).",
    ),
    "linked-to-wikidata": (
        LDQD.interlinking,
        XSD.decimal,
        "The share of the named entities with an owl:sameAs link to a Wikidata item.",
        "سهمی از موجودیت‌های نام‌دار که با owl:sameAs به یک آیتم ویکی‌داده پیوند دارند.",
    ),
    "traced-to-text": (
        LDQD.trustworthiness,
        XSD.decimal,
        "The share of the named entities with at least one mention: a span of the article, at its "
        "code-point offsets, that names them.",
        "سهمی از موجودیت‌های نام‌دار که دست‌کم یک اشاره دارند: بخشی از متن خبر، در جایگاه نویسه‌ای‌اش، "
        "که نام آن‌ها را آورده است.",
    ),
    "bilingual-labels": (
        LDQD.understandability,
        XSD.decimal,
        "The share of the graph's own labelled IRIs with a label (rdfs:label or skos:prefLabel) in both "
        "English and Persian.",
        "سهمی از IRIهای برچسب‌دار خودِ گراف که هم برچسب انگلیسی و هم برچسب فارسی دارند (rdfs:label یا skos:prefLabel).",
    ),
    "validation-findings": (
        LDQD.consistency,
        XSD.integer,
        "Problems kg validate found in the data, all checks together (SHACL shapes, quotes at their offsets, "
        "declared terms, labels, Persian orthography, Wikidata links, well-typed literals).",
        "مشکلاتی که kg validate در داده یافت، همهٔ بررسی‌ها با هم (شکل‌های SHACL، نقل‌قول‌ها در جایگاهشان، "
        "واژه‌های تعریف‌شده، برچسب‌ها، املای فارسی، پیوندهای ویکی‌داده، لیترال‌های با نوع درست).",
    ),
}


#: The Persian label of each metric (the English one is its name, spaced).
LABELS_FA = {
    "slips": "لغزش‌های خبر",
    "doubtful-identifications": "شناسایی‌های مشکوک",
    "named-entities": "موجودیت‌های نام‌دار",
    "linked-to-wikidata": "پیوند به ویکی‌داده",
    "traced-to-text": "پیوند به متن خبر",
    "bilingual-labels": "برچسب‌های دوزبانه",
    "validation-findings": "یافته‌های اعتبارسنجی",
}


#: The Persian names of the checks of kg validate (:data:`kg.validate.CHECKS`), for the metrics' labels.
CHECKS_FA = {
    "SHACL shapes": "شکل‌های SHACL",
    "quotes at offsets": "نقل‌قول‌ها در جایگاهشان",
    "declared terms": "واژه‌های تعریف‌شده",
    "labels": "برچسب‌ها",
    "Persian orthography": "املای فارسی",
    "Wikidata links": "پیوندهای ویکی‌داده",
    "well-typed literals": "لیترال‌های با نوع درست",
}


def _slug(check: str) -> str:
    return "-".join(check.lower().split())


def metric_iri(name: str) -> NamedNode:
    return NamedNode(f"{DATASET.value}#metric-{name}")


def measurement_iri(name: str) -> NamedNode:
    return NamedNode(f"{DATASET.value}#measurement-{name}")


def _share(part: int, whole: int) -> Literal:
    return decimal((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else Decimal(0))


class Data(Protocol):
    """What the measures read: SELECT over the union of the dataset's parts (:class:`kg.describe.Data`)."""

    def select(self, query: str) -> list[tuple[Any, ...]]: ...


_ENTITIES = (
    "VALUES ?top { " + " ".join(str(c) for c in NAMED_ENTITY_CLASSES) + " } "
    f"?e a ?class . ?class {RDFS.subClassOf}* ?top . FILTER isIRI(?e)"
)
_NAME = f"({RDFS.label}|{SKOS.prefLabel})"


def _count(data: Data, query: str) -> int:
    ((count,),) = data.select(query)
    return int(count.value)


def values(data: Data, report: ValidationReport | None = None) -> dict[str, Literal]:
    """Metric name -> its measured value on ``data`` (and on ``report``, the validation of ``data``, if given).

    Counted by SPARQL over the union of the parts, each resource once (``COUNT(DISTINCT …)``)."""
    entities = _count(data, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ {_ENTITIES} }}")
    linked = _count(
        data,
        f'SELECT (COUNT(DISTINCT ?e) AS ?n) {{ {_ENTITIES} ?e {OWL.sameAs} ?w FILTER STRSTARTS(STR(?w), "{WD}") }}',
    )
    traced = _count(data, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ {_ENTITIES} ?m {ITSRDF.taIdentRef} ?e }}")
    ours = f'FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))'
    labelled = _count(data, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s {_NAME} ?l {ours} }}")
    bilingual = _count(
        data,
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s {_NAME} ?en . ?s {_NAME} ?fa {ours} "
        'FILTER (LANG(?en) = "en" && LANG(?fa) = "fa") }',
    )
    found = {
        "slips": integer(_count(data, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a {KG.Slip} }}")),
        "doubtful-identifications": integer(
            _count(data, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a {KG.Identification} }}")
        ),
        "named-entities": integer(entities),
        "linked-to-wikidata": _share(linked, entities),
        "traced-to-text": _share(traced, entities),
        "bilingual-labels": _share(bilingual, labelled),
    }
    if report is not None:
        found["validation-findings"] = integer(len(report.findings))
        for check in report.checks:
            found[f"validation-findings-{_slug(check)}"] = integer(report.counts.get(check, 0))
    return found


def quality_triples(data: Data, report: ValidationReport | None = None) -> Iterator[tuple[Any, Any, Any]]:
    """The DQV triples of the description: each measurement of :func:`values`, its metric and dimension."""
    ds = DATASET
    for name, value in values(data, report).items():
        base = name if name in METRICS else "validation-findings"
        dimension, datatype, english, persian = METRICS[base]
        metric, measurement = metric_iri(name), measurement_iri(name)
        yield ds, DQV.hasQualityMeasurement, measurement
        yield measurement, RDF.type, DQV.QualityMeasurement
        yield measurement, DQV.computedOn, ds
        yield measurement, DQV.isMeasurementOf, metric
        yield measurement, DQV.value, value
        yield metric, RDF.type, DQV.Metric
        yield metric, DQV.inDimension, dimension
        yield metric, DQV.expectedDataType, datatype
        if name == base:
            yield metric, SKOS.definition, Literal(english, language="en")
            yield metric, SKOS.definition, Literal(persian, language="fa")
            labels = {"en": name.replace("-", " "), "fa": LABELS_FA[name]}
        else:
            check = next((c for c in report.checks if _slug(c) == name[len(base) + 1 :]), name) if report else name
            persian = CHECKS_FA.get(check, check)
            yield metric, SKOS.broader, metric_iri(base)
            yield metric, SKOS.definition, Literal(f"Problems the '{check}' check of kg validate found.", language="en")
            yield metric, SKOS.definition, Literal(f"مشکلاتی که بررسی «{persian}» در kg validate یافت.", language="fa")
            labels = {"en": f"validation findings: {check}", "fa": f"{LABELS_FA[base]}: {persian}"}
        for lang, label in labels.items():
            yield metric, RDFS.label, Literal(label, language=lang)
            # the measurement by its metric and value: «برچسب‌های دوزبانه: ۱» on a page, not its IRI
            shown = format_number(value.value, lang) or value.value
            yield measurement, RDFS.label, Literal(f"{label}: {shown}", language=lang)
