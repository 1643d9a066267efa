"""The RDF formats kg reads and writes: names, aliases, file extensions, media types, graph or dataset.

One registry that ``kg export``, ``kg query --format`` (graph results), their
``--help`` (:func:`names`, :func:`aliases`) and the reader all derive from. A format is found by its name or an alias
(:func:`rdf_format`), or by a file's extension (:func:`format_for_path`).

>>> rdf_format("json-ld").name, rdf_format("ttl").name, rdf_format("rdfxml").name
('jsonld', 'turtle', 'xml')
>>> format_for_path("a/b.owl").title
'RDF/XML'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kg.errors import LoadError, UsageError

if TYPE_CHECKING:
    import pyoxigraph


class RdfFormat(NamedTuple):
    """One RDF syntax: its name on the command line, aliases, extensions (the first is written), media type."""

    name: str
    title: str
    extensions: tuple[str, ...]
    media_type: str
    aliases: tuple[str, ...]
    #: True for the dataset formats (named graphs): N-Quads and TriG.
    dataset: bool
    #: The W3C format IRI's last segment (http://www.w3.org/ns/formats/...).
    w3c: str

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def oxigraph(self) -> pyoxigraph.RdfFormat:
        """The pyoxigraph format of the same syntax."""
        return _oxigraph()[self.name]


#: Every format, in the order ``kg export --format all`` writes them.
FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", "Turtle", ("ttl",), "text/turtle", ("ttl",), False, "Turtle"),
        RdfFormat("nt", "N-Triples", ("nt",), "application/n-triples", ("ntriples", "n-triples"), False, "N-Triples"),
        RdfFormat("nquads", "N-Quads", ("nq",), "application/n-quads", ("nq", "n-quads"), True, "N-Quads"),
        RdfFormat("trig", "TriG", ("trig",), "application/trig", (), True, "TriG"),
        RdfFormat("jsonld", "JSON-LD", ("jsonld",), "application/ld+json", ("json-ld",), False, "JSON-LD"),
        RdfFormat(
            "xml", "RDF/XML", ("rdf", "owl", "xml"), "application/rdf+xml", ("rdfxml", "rdf", "owl"), False, "RDF_XML"
        ),
    )
}


@cache
def _oxigraph() -> dict[str, pyoxigraph.RdfFormat]:
    """pyoxigraph's formats, imported on first use: ``--help`` and parsing a command line read this
    registry and must not load an RDF library."""
    import pyoxigraph

    return {
        "turtle": pyoxigraph.RdfFormat.TURTLE,
        "nt": pyoxigraph.RdfFormat.N_TRIPLES,
        "nquads": pyoxigraph.RdfFormat.N_QUADS,
        "trig": pyoxigraph.RdfFormat.TRIG,
        "jsonld": pyoxigraph.RdfFormat.JSON_LD,
        "xml": pyoxigraph.RdfFormat.RDF_XML,
    }


#: The formats of a query's solutions (SELECT, ASK): a terminal table, the SPARQL 1.1 CSV, TSV and JSON
#: results, Markdown; ``table`` is the default.
RESULT_FORMATS = ("table", "csv", "tsv", "json", "md")

_BY_NAME = {alias: f for f in FORMATS.values() for alias in (f.name, *f.aliases)}
_BY_EXTENSION = {ext: f for f in FORMATS.values() for ext in f.extensions}


def names(*, datasets: bool = True) -> list[str]:
    """The formats' names in the registry's order, the dataset formats (N-Quads, TriG) too unless
    ``datasets`` is False: what ``--help`` offers."""
    return [f.name for f in FORMATS.values() if datasets or not f.dataset]


def aliases(*, datasets: bool = True) -> list[str]:
    """Every other name a format is also found by (``ttl``, ``json-ld`` …), as :func:`names` chooses."""
    return [a for f in FORMATS.values() if datasets or not f.dataset for a in f.aliases]


def format_names() -> list[str]:
    """Every name and alias a user may give, names first."""
    return [*FORMATS, *(a for a in aliases() if a not in FORMATS)]


def is_rdf_format(name: str) -> bool:
    return name in _BY_NAME


def rdf_format(name: str, *, also: tuple[str, ...] = ()) -> RdfFormat:
    """The format called ``name`` (or an alias of it); an unknown name is a UsageError listing the choices.

    ``also`` names further choices the caller accepts (e.g. ``all``), for the message.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        choices = ", ".join([*FORMATS, *also])
        raise UsageError(
            f"unknown format {name!r}: choose one of {choices} (or an alias: {', '.join(aliases())})"
        ) from None


def format_for_media_type(content_type: str) -> RdfFormat | None:
    """The format of an HTTP ``Content-Type`` (parameters ignored), or None if it is not an RDF syntax we read.

    >>> format_for_media_type("application/n-triples; charset=utf-8").name
    'nt'
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    return next((f for f in FORMATS.values() if f.media_type == media_type), None)


def format_for_path(path: str | Path) -> RdfFormat:
    """The format of a file, from its extension; any other extension is a LoadError naming the file."""
    suffix = Path(path).suffix.lower().lstrip(".")
    found = _BY_EXTENSION.get(suffix)
    if found is None:
        known = ", ".join(f".{e}" for e in _BY_EXTENSION)
        shown = f"'.{suffix}'" if suffix else "(none)"
        raise LoadError(f"unknown RDF file extension {shown}: use one of {known}", path=path)
    return found
