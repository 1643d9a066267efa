"""The re-read check: every text a writer made is read back by pyoxigraph's strict parser and compared.

:func:`verify` returns the text only if it reads back as exactly the quads it was
meant to hold (isomorphic: equal as sets without blank nodes, equal once both are
RDFC-1.0 canonically labelled with them); otherwise an :class:`OutputError` (exit 7),
a writer bug caught before anything is written.

A small document (:class:`~kg.writers.quads.Canonical`, at most ``BIG`` statements) is
first compared as a set with the statements meant, blank nodes as labelled: every
writer keeps the canonical labels it was given and the parser keeps the labels it
reads, so equal sets (the identity an isomorphism) settle it without canonicalising
the text read; only a set that differs goes on to the comparison up to labels, which
decides and names what differs. The set is made once for all the formats of a
document; parsed into a Python set in C, it costs about a third of comparing
statement by statement in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph
from pyoxigraph import DefaultGraph, Quad

from kg.errors import OutputError
from kg.formats import RdfFormat
from kg.terms import changed_by_a_store
from kg.writers.order import BIG
from kg.writers.quads import Canonical, has_blank_nodes
from kg.writers.stored import Stored

#: A text written: a string, or the path of the file it was written to (read back from the disk).
Written = TypeVar("Written", str, Path)


def verify(text: Written, fmt: RdfFormat, expected: list[Quad]) -> Written:
    """``text`` (a string, or a file's path) if pyoxigraph reads it back as exactly ``expected`` (isomorphic),
    else an OutputError.

    Without blank nodes each statement read is looked up as it comes and let go (a flag per statement
    meant says it was found), so the statements read are never all held at once: at 1 000 synthetic
    articles they took 78 MB beside the text.
    """
    if isinstance(expected, Stored):
        return _verify_stored(text, fmt, expected)
    merge = not fmt.dataset and not (isinstance(expected, Canonical) and expected.triples)
    if isinstance(expected, Canonical) and len(expected) <= BIG:  # worked out once for all the formats
        statements = expected.kept(f"statements {merge}", lambda: _statements(expected, merge=merge))
        try:
            if set(_parse(text, fmt)) == statements:
                return text  # the same statements, blank nodes labelled alike: the identity is an isomorphism
        except SyntaxError as exc:
            raise _unreadable(fmt, exc) from None
        except MemoryError:
            raise _too_long(fmt) from None
        # Not the same set: a writer bug, or blank nodes labelled otherwise; the comparison below decides and
        # names what differs.
        blank = expected.blank
        want = expected.kept(f"expected {merge}", lambda: _expected(expected, merge=merge, blank=blank))
    else:
        blank = expected.blank if isinstance(expected, Canonical) else has_blank_nodes(expected)
        want = _expected(expected, merge=merge, blank=blank)
    try:
        read = _parse(text, fmt)
        if blank:  # isomorphism: equal once both are canonically labelled
            got = pyoxigraph.Dataset(read)
            got.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
            missing = None if got == want else next((q for q in want if q not in got), None)
            extra = None if got == want else next((q for q in got if q not in want), None)
            count, same = len(got), got == want
        else:  # without blank nodes isomorphic is equal as sets
            count, missing, extra = _compare(read, want)
            same = missing is None and extra is None
    except SyntaxError as exc:
        raise _unreadable(fmt, exc) from None
    except MemoryError:  # pyoxigraph's parser holds at most 16 MiB at once (one term, or one JSON-LD value)
        raise _too_long(fmt) from None
    if not same:
        raise _not_the_same(fmt, count, len(want), missing, extra)
    return text


def _parse(text: str | bytes | Path, fmt: RdfFormat) -> Iterable[Quad]:
    """The statements of a text, of its UTF-8 bytes or of the file at a path (read as it is parsed; a big
    JSON-LD file in parts, :func:`_jsonld_in_parts`)."""
    if isinstance(text, Path):
        if fmt.name == "jsonld" and text.stat().st_size > _JSONLD_PART:
            return _jsonld_in_parts(text, fmt)
        return pyoxigraph.parse(path=str(text), format=fmt.oxigraph)
    return pyoxigraph.parse(text.encode("utf-8") if isinstance(text, str) else text, format=fmt.oxigraph)


#: A JSON-LD file written by :func:`kg.writers.jsonld.write_jsonld` bigger than this is read back in parts of
#: about this many bytes (the parser's time grows faster than a part's size: the 12 MB file of 1 000 synthetic
#: articles in parts of 4 MB 0.48 s, 1 MB 0.36–0.39 s, 256 KB 0.35–0.38 s, whole 0.47 s).
_JSONLD_PART = 256 << 10
#: How the writer's document begins its ``@graph`` and ends (an indented ``json.dumps``: a string holds no line
#: feed, so these lines are the document's structure), and the lines between two of its node objects.
_GRAPH_OPENS, _GRAPH_CLOSES, _BETWEEN_NODES = b'\n  "@graph": [\n', b"\n  ]\n}\n", b"\n    },\n    {\n"


def _jsonld_in_parts(path: Path, fmt: RdfFormat) -> Iterator[Quad]:
    """The statements of a JSON-LD file, read in parts: its head (up to its ``@graph`` array), each run of node
    objects of about :data:`_JSONLD_PART` bytes, then the tail, each run parsed as the document its head and
    the end of the array make.

    Why: pyoxigraph's JSON-LD parser holds the whole top-level ``@graph`` until the document ends (an ``@id``
    after it would make it a named graph): at 1 000 synthetic articles 148 MB for the 12 MB file, twice
    the store's memory. The parts read as the whole does: the node objects of a top-level ``@graph`` give their
    statements each on its own (blank node labels are kept as written, so a label means one node in every
    part); every byte of the file is in exactly one part, split only between two node objects, and the last
    part ends with the file's own tail, so a part that is not JSON-LD, or a tail that would name the graph, is
    found as in the whole. A file not laid out so is parsed whole.
    """
    with path.open("rb") as handle:
        data = handle.read(_JSONLD_PART)
        opens = data.find(_GRAPH_OPENS)
        if opens < 0:
            yield from pyoxigraph.parse(path=str(path), format=fmt.oxigraph)
            return
        head = data[: opens + len(_GRAPH_OPENS)]
        rest = data[len(head) :]
        for more in iter(lambda: handle.read(_JSONLD_PART), b""):
            rest += more
            cut = rest.rfind(_BETWEEN_NODES)
            if cut < 0:
                continue
            nodes = rest[: cut + len(_BETWEEN_NODES) - len(b",\n    {\n")]  # up to the closing brace
            rest = rest[cut + len(_BETWEEN_NODES) - len(b"    {\n") :]  # from the next node's opening brace
            yield from pyoxigraph.parse(head + nodes + _GRAPH_CLOSES, format=fmt.oxigraph)
        yield from pyoxigraph.parse(head + rest, format=fmt.oxigraph)


def _unreadable(fmt: RdfFormat, exc: SyntaxError) -> OutputError:
    return OutputError(f"the {fmt.title} written does not read back (a writer bug): {exc}")


def _too_long(fmt: RdfFormat) -> OutputError:
    return OutputError(
        f"the {fmt.title} written cannot be read back to check it: a term too long for the parser "
        "(16 MiB at once); nothing was written"
    )


def _not_the_same(fmt: RdfFormat, count: int, meant: int, missing: Any, extra: Any) -> OutputError:
    return OutputError(
        f"the {fmt.title} written does not read back as the same graph (a writer bug): "
        f"{count} statements read, {meant} meant; first missing {missing}, first extra {extra}"
    )


def _verify_stored(text: Written, fmt: RdfFormat, expected: Stored) -> Written:
    """``text`` if it reads back as exactly the statements of ``expected`` (which has no blank node).

    Each statement read is looked up in its store as it comes, and the hash of each is kept: if every
    statement read is meant, and the distinct hashes are as many as the statements meant, the
    statements read are those meant (two statements with one hash would only make a correct text look
    short: then the statements read are compared exactly, held at once). A store finds a literal by
    its value (``"01"^^xsd:integer`` finds ``"1"``), and holds those of :data:`kg.terms.STORED_AS_VALUES`
    in their canonical form (the source's own, :func:`kg.sources.store_writes_as_read`), so the distinct
    literals read must be canonical too (:func:`kg.terms.changed_by_a_store`). Nothing else is held per
    statement but its hash.
    """
    merge = expected.triples or not fmt.dataset
    places = expected.places(merge)  # graph name -> (container, graph, whether it finds literals by value)
    seen: set[int] = set()
    add = seen.add
    literals: set[Any] = set()  # those found in a store
    literal = pyoxigraph.Literal
    extra = None
    try:
        read = _parse(text, fmt)
        targets = places.get(DefaultGraph(), [])
        if merge and not all(isinstance(graph, DefaultGraph) for _, graph, _ in targets):
            # every statement read is a triple of the default graph: look it up in each part in turn (a part
            # that is a store's default graph holds it as read: then it is looked up as it is, below)
            for quad in read:
                s, p, o = quad.subject, quad.predicate, quad.object
                for container, graph, by_value in targets:  # noqa: B007 - the one found, after the loop
                    if Quad(s, p, o, graph) in container:
                        break
                else:
                    extra = quad
                    break
                add(hash(quad))
                if by_value and type(o) is literal:
                    literals.add(o)
        elif merge and not fmt.dataset and len(targets) == 1:  # a triple format from one store's merge: lean
            container, _, by_value = targets[0]
            for quad in read:  # every statement a triple format reads is in the default graph
                if quad not in container:
                    extra = quad
                    break
                add(hash(quad))
                if by_value and type(quad.object) is literal:
                    literals.add(quad.object)
        elif not merge and (whole := expected.in_one_store()) is not None:  # a dataset: one look-up a statement
            store, listed = whole
            for quad in read:
                if quad in store:
                    o = quad.object
                    if type(o) is literal:
                        literals.add(o)
                elif quad not in listed:
                    extra = quad
                    break
                add(hash(quad))
        else:  # each statement read is looked up as it is, in each part of its graph's name
            for quad in read:
                for container, _, by_value in places.get(quad.graph_name, ()):  # noqa: B007 - as above
                    if quad in container:
                        break
                else:
                    extra = quad
                    break
                add(hash(quad))
                if by_value and type(quad.object) is literal:
                    literals.add(quad.object)
        if extra is None and len(seen) == len(expected) and changed_by_a_store(literals) is None:
            return text
        read = pyoxigraph.Dataset(_parse(text, fmt))  # what is missing, exactly
    except SyntaxError as exc:
        raise _unreadable(fmt, exc) from None
    except MemoryError:
        raise _too_long(fmt) from None
    default = DefaultGraph()
    meant = (Quad(q.subject, q.predicate, q.object, default) if merge else q for q in expected.quads())
    missing = next((q for q in meant if q not in read), None)
    if extra is None and missing is None and changed_by_a_store(literals) is None:
        return text  # two statements read had one hash
    raise _not_the_same(fmt, len(read), len(expected), missing, extra)


def _compare(read: Iterable[Quad], want: dict[Quad, int]) -> tuple[int, Quad | None, Quad | None]:
    """How many distinct statements were read, the first meant but not read, the first read but not meant."""
    found = bytearray(len(want))
    count, extra, extras = 0, None, set()
    for quad in read:
        index = want.get(quad)
        if index is None:
            if quad not in extras:
                extras.add(quad)
                extra = extra or quad
        elif not found[index]:
            found[index] = 1
            count += 1
    missing = None if count == len(want) else next(q for q, i in want.items() if not found[i])
    return count + len(extras), missing, extra


def _statements(quads: list[Quad], *, merge: bool) -> frozenset[Quad]:
    """The statements a re-read must be, as a set (graph names dropped with ``merge``)."""
    if merge:
        return frozenset(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    return frozenset(quads)


def _expected(quads: list[Quad], *, merge: bool, blank: bool) -> Any:
    """What a re-read must equal: each quad with its position, or the quads canonically labelled when they
    have blank nodes."""
    if merge:
        quads = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
    if not blank:
        return {quad: index for index, quad in enumerate(dict.fromkeys(quads))}
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset
