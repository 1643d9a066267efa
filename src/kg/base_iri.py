"""The base IRI of the inputs: ``kg --base IRI``, and a relative IRI with no base as a LoadError at its place.

A relative IRI in a file with no ``@base`` (or ``xml:base``, or JSON-LD ``@base``) resolves
against the base IRI given to the command (:func:`input_base`, set by ``--base``); with none,
it is a LoadError naming the file, the line and the IRI as written, never resolved silently
against our own namespace or the file's path. N-Triples and N-Quads hold absolute IRIs only.

pyoxigraph's JSON-LD and RDF/XML readers drop or hide a relative IRI they cannot resolve, so
those files are read against :data:`NO_BASE`, a scheme of no one's: a term that starts with it
held a relative IRI (:func:`no_placeholder`); for RDF/XML, :func:`xml_relative` finds its
element with expat, as pyoxigraph gives no position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph

from kg.errors import LoadError, UsageError
from kg.formats import RdfFormat, format_for_path
from kg.scan import find_text

#: What relative IRIs resolve against while a JSON-LD or RDF/XML file is read with no base
#: IRI: a scheme of no one's, so a term that starts with it held a relative IRI.
NO_BASE = "x-kg-no-base://relative/"
_NO_BASE_SCHEME = NO_BASE.split("//")[0]

#: The base IRI of relative IRIs in the inputs (``kg --base``); None: a relative IRI is a LoadError.
#: A plain module attribute rather than a context variable: a command's server threads read under it too.
_input_base: str | None = None


def check_base(iri: str) -> str:
    """``iri`` if it can be a base IRI (an absolute IRI, RFC 3987), else a UsageError saying why.

    >>> check_base("https://example.org/data/")
    'https://example.org/data/'
    >>> check_base("data/")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.UsageError: the base IRI 'data/' is not an absolute IRI (No scheme found ...): give one ...
    """
    try:
        pyoxigraph.parse(b"", format=pyoxigraph.RdfFormat.TURTLE, base_iri=iri)
    except (ValueError, SyntaxError) as exc:
        why = str(exc).split(", ", 1)[-1]
        raise UsageError(
            f"the base IRI {iri!r} is not an absolute IRI ({why}): give one with a scheme, "
            "such as https://example.org/data/"
        ) from None
    return iri


@contextmanager
def input_base(iri: str | None) -> Iterator[None]:
    """Within the block, relative IRIs of every input resolve against ``iri`` (None: they are LoadErrors).

    A file's own ``@base`` still comes first. ``kg --base IRI`` runs its command inside this.
    """
    global _input_base
    before, _input_base = _input_base, None if iri is None else check_base(iri)
    try:
        yield
    finally:
        _input_base = before


def current_base() -> str | None:
    """The base IRI of the inputs now (see :func:`input_base`), or None."""
    return _input_base


_BASE_ADVICE = {
    "turtle": "add @base <IRI> . to the file",
    "trig": "add @base <IRI> . to the file",
    "xml": 'add xml:base="IRI" to its rdf:RDF element',
    "jsonld": 'add "@base": "IRI" to its @context',
}


def relative_iri_error(path: Path, fmt: RdfFormat, iri: str | None, line: int | None, column: int | None) -> LoadError:
    """The LoadError for a relative IRI (``iri``, as written if known) that has no base IRI to resolve against."""
    written = f" <{iri}>" if iri else ""
    if fmt.name in ("nt", "nquads"):
        message = f"{fmt.title} holds absolute IRIs only, and{written} is relative (a base IRI does not apply)"
    else:
        message = (
            f"{fmt.title}: the relative IRI{written} has no base IRI to resolve against: "
            f"{_BASE_ADVICE[fmt.name]}, or give the command --base IRI"
        )
    return LoadError(message, path=path, line=line, column=column)


def no_placeholder(quads: Iterable[Any], path: Path, fmt: RdfFormat) -> Iterator[Any]:
    """The quads, or a LoadError at the first term resolved against :data:`NO_BASE` (a relative IRI)."""
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            iri = term.datatype.value if isinstance(term, pyoxigraph.Literal) else getattr(term, "value", "")
            if isinstance(iri, str) and iri.startswith(_NO_BASE_SCHEME):
                raise _placeholder_error(path, fmt, iri)
        yield quad


def _placeholder_error(path: Path, fmt: RdfFormat, iri: str) -> LoadError:
    relative = iri[len(NO_BASE) :] if iri.startswith(NO_BASE) else iri[len(_NO_BASE_SCHEME) :]
    if fmt.name == "xml" and (found := xml_relative(path)) is not None:
        return found
    line, column = find_text(path, (f'"{relative}"', f"'{relative}'"))
    return relative_iri_error(path, fmt, relative, line, column)


_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_BASE = "http://www.w3.org/XML/1998/namespace base"
#: The RDF/XML attributes whose value is an IRI reference resolved against the base (rdf:ID: a fragment).
_XML_IRI_ATTRIBUTES = {f"{_RDF_NS} {name}" for name in ("about", "resource", "datatype", "ID", "bagID")}


def _absolute(iri: str) -> bool:
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri) is not None


def xml_relative(path: Path) -> LoadError | None:
    """The LoadError for the first IRI reference of an RDF/XML file that is relative where it may not be: a
    namespace name of an element or attribute (never resolved), or an rdf:about/resource/datatype/ID value
    that no absolute xml:base covers; None if there is none."""
    import xml.parsers.expat  # only for an RDF/XML file

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    fmt = format_for_path(path)
    covered = [False]  # per open element: is an absolute xml:base in effect?

    def start(name: str, attributes: dict[str, str]) -> None:
        where = {"path": path, "line": parser.CurrentLineNumber, "column": parser.CurrentColumnNumber + 1}
        for key in (name, *attributes):
            space = key.split(" ", 1)[0] if " " in key else ""
            if space and not _absolute(space):
                raise _Relative(
                    LoadError(
                        f"RDF/XML: the namespace name <{space}> is relative, and names of properties and "
                        "classes are not resolved against a base: write it as an absolute IRI",
                        **where,
                    )
                )
        base = attributes.get(_XML_BASE)
        covered.append(covered[-1] or (base is not None and _absolute(base)))
        if covered[-1]:
            return
        for key, value in attributes.items():
            if key in _XML_IRI_ATTRIBUTES and not _absolute(value):
                written = "#" + value if key.endswith(" ID") or key.endswith(" bagID") else value
                raise _Relative(relative_iri_error(path, fmt, written, where["line"], where["column"]))

    def end(name: str) -> None:
        covered.pop()

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except _Relative as found:
        return found.args[0]
    except xml.parsers.expat.ExpatError:
        return None
    return None


class _Relative(Exception):
    """Raised from expat's handler at the element holding a relative IRI, with its LoadError."""
