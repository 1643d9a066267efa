"""Content negotiation: which of a resource's documents answers a request's ``Accept``.

RFC 9110 §12.5.1: the ``Accept`` header lists media ranges (``text/turtle``,
``application/*``, ``*/*``) with a quality ``q`` from 0 to 1 (default 1; ``q=0``
refuses); the most specific range that matches a type gives its quality. Among
the offers we pick the highest quality, and on a tie the earlier offer (HTML
first, for browsers that send ``*/*`` beside ``text/html``). No header means
``*/*``. Our own code because it is twenty lines and the libraries for it
(``python-mimeparse``) are unmaintained; malformed entries are skipped, never
an error.

The offers are :data:`OFFERS`: the page for people and the four RDF syntaxes of
:mod:`kg.formats` that hold one graph, each with its suffix
(:data:`kg.publish.paths.SUFFIXES`). ``application/xhtml+xml`` counts as HTML
and ``application/json`` as JSON-LD, as Linked Data clients send them.

>>> negotiate("text/turtle;q=0.9, application/ld+json")
'jsonld'
>>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
'html'
>>> negotiate("application/rdf+xml, text/*;q=0.1"), negotiate(None), negotiate("image/png")
('rdf', 'html', None)
>>> negotiate("*/*;q=0.1, text/turtle;q=0, application/n-triples;q=0.5")
'nt'
"""

from __future__ import annotations

from collections.abc import Mapping

from kg.formats import FORMATS
from kg.publish.paths import RDF_SUFFIXES

HTML = "text/html"
#: Suffix -> the media type of that document.
MEDIA_TYPES: dict[str, str] = {"html": HTML, **{ext: FORMATS[name].media_type for ext, name in RDF_SUFFIXES.items()}}
#: The offers, in the order that breaks ties: media types each suffix answers to.
OFFERS: dict[str, tuple[str, ...]] = {
    "html": (HTML, "application/xhtml+xml"),
    "ttl": (MEDIA_TYPES["ttl"], "application/x-turtle"),
    "jsonld": (MEDIA_TYPES["jsonld"], "application/json"),
    "rdf": (MEDIA_TYPES["rdf"],),
    "nt": (MEDIA_TYPES["nt"],),
}


def _entries(header: str) -> list[tuple[str, float]]:
    """The comma-separated entries of an Accept-style header, each with its ``q`` (default 1, kept in 0..1)."""
    found = []
    for entry in header.split(",")[:64]:  # a hostile header with thousands of entries costs nothing
        value, *params = (part.strip() for part in entry.split(";"))
        q = 1.0
        for param in params:
            name, _, text = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(text), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if value:
            found.append((value.lower(), q))
    return found


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their qualities (malformed entries left out)."""
    if header is None or not header.strip():
        return [("*/*", 1.0)]
    return [(m, q) for m, q in _entries(header) if m.count("/") == 1 and all(m.split("/"))]


def _match(media_type: str, ranges: list[tuple[str, float]]) -> tuple[int, float]:
    """How specific the most specific range matching ``media_type`` is (2 the type, 1 ``type/*``, 0 ``*/*``,
    -1 none), and the quality it gives."""
    kind = media_type.split("/")[0] + "/*"
    best: tuple[int, float] = (-1, 0.0)
    for media, q in ranges:
        rank = 2 if media == media_type else 1 if media == kind else 0 if media == "*/*" else -1
        if rank > best[0]:
            best = (rank, q)
    return best


def quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The quality the ranges give ``media_type``: that of the most specific matching range, else 0."""
    return _match(media_type, ranges)[1]


def negotiate(header: str | None, offers: tuple[str, ...] = tuple(OFFERS)) -> str | None:
    """The suffix of the best offer for an ``Accept`` header, or None if it accepts none of them (a 406).

    An offer's quality is that of the most specific range matching any of its media types, so a type
    refused by name (``text/html;q=0``) is not sent because ``*/*`` matches one of its aliases.
    """
    return choose(header, {ext: OFFERS[ext] for ext in offers})


def choose(header: str | None, offers: Mapping[str, tuple[str, ...]]) -> str | None:
    """The name of the best of ``offers`` (name -> its media types, in the order that breaks ties) for an
    ``Accept`` header, or None if it accepts none of them; as :func:`negotiate`, over any offers.

    >>> search = {"json": ("application/json",), "html": ("text/html", "application/xhtml+xml")}
    >>> choose("*/*", search), choose("text/html,application/xml;q=0.9,*/*;q=0.8", search), choose("image/*", search)
    ('json', 'html', None)
    """
    ranges = parse_accept(header)
    best, best_q = None, 0.0
    for name, types in offers.items():
        q = max(_match(media, ranges) for media in types)[1]
        if q > best_q:
            best, best_q = name, q
    return best


def accepts_coding(header: str | None, coding: str) -> bool:
    """Whether an ``Accept-Encoding`` header (RFC 9110 §12.5.3) takes ``coding``: named, or ``*``, with a ``q``
    above 0 (the most specific entry decides).

    >>> accepts_coding("gzip, deflate, br", "gzip"), accepts_coding("*;q=0.5", "gzip"), accepts_coding(None, "gzip")
    (True, True, False)
    >>> accepts_coding("gzip;q=0, *", "gzip"), accepts_coding("identity", "gzip")
    (False, False)
    """
    entries = {name: q for name, q in _entries(header or "")}
    q = entries.get(coding.lower(), entries.get("*", 0.0))
    return q > 0


def prefers_persian(header: str | None) -> bool:
    """Whether an ``Accept-Language`` header ranks Persian (``fa``) above English.

    >>> prefers_persian("fa-IR,fa;q=0.9,en;q=0.8"), prefers_persian("en-US,en;q=0.9"), prefers_persian(None)
    (True, False, False)
    """
    ranges = _entries(header or "")
    fa = max((q for lang, q in ranges if lang.split("-")[0] == "fa"), default=0.0)
    en = max((q for lang, q in ranges if lang.split("-")[0] in ("en", "*")), default=0.0)
    return fa > en
