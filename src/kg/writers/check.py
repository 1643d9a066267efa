"""The re-read check: every text a writer made is read back by pyoxigraph's strict parser and compared.

:func:`verify` returns the text only if it reads back as exactly the quads it was
meant to hold (isomorphic: equal as sets without blank nodes, equal once both are
RDFC-1.0 canonically labelled with them); otherwise an :class:`OutputError` (exit 7),
a writer bug caught before anything is written.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph
from pyoxigraph import DefaultGraph, Quad

from kg.errors import OutputError
from kg.formats import RdfFormat
from kg.writers.order import BIG
from kg.writers.quads import Canonical, has_blank_nodes


def verify(text: str, fmt: RdfFormat, expected: list[Quad]) -> str:
    """``text`` if pyoxigraph reads it back as exactly ``expected`` (isomorphic), else an OutputError."""
    try:
        read = list(pyoxigraph.parse(text.encode("utf-8"), format=fmt.oxigraph))
    except SyntaxError as exc:
        raise OutputError(f"the {fmt.title} written does not read back (a writer bug): {exc}") from None
    except MemoryError:  # pyoxigraph's parser holds at most 16 MiB at once (one term, or one JSON-LD value)
        raise OutputError(
            f"the {fmt.title} written cannot be read back to check it: a term too long for the parser "
            "(16 MiB at once); nothing was written"
        ) from None
    merge = not fmt.dataset and not (isinstance(expected, Canonical) and expected.triples)
    if isinstance(expected, Canonical) and len(expected) <= BIG:  # worked out once for all the formats
        blank = expected.blank
        want = expected.kept(f"expected {merge}", lambda: _expected(expected, merge=merge, blank=blank))
    else:
        blank = expected.blank if isinstance(expected, Canonical) else has_blank_nodes(expected)
        want = _expected(expected, merge=merge, blank=blank)
    if blank:  # isomorphism: equal once both are canonically labelled
        got = pyoxigraph.Dataset(read)
        got.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    else:  # without blank nodes isomorphic is equal as sets (and a set is four times faster to build)
        got = set(read)
    if got != want:
        missing = next((q for q in want if q not in got), None)
        extra = next((q for q in got if q not in want), None)
        raise OutputError(
            f"the {fmt.title} written does not read back as the same graph (a writer bug): "
            f"{len(read)} statements read, {len(want)} meant; first missing {missing}, first extra {extra}"
        )
    return text


def _expected(quads: list[Quad], *, merge: bool, blank: bool) -> Any:
    """What a re-read must equal: the quads as a set, or canonically labelled when they have blank nodes."""
    if merge:
        quads = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
    if not blank:
        return set(quads)
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset
