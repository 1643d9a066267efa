"""kg.publish.conneg: RFC 9110 content negotiation over the page and four RDF syntaxes, and the reader's language."""

from __future__ import annotations

import pytest

from kg.publish.conneg import MEDIA_TYPES, OFFERS, negotiate, parse_accept, prefers_persian, quality


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (None, "html"),
        ("", "html"),
        ("*/*", "html"),  # a tie: the page, for browsers
        ("text/turtle", "ttl"),
        ("application/x-turtle", "ttl"),
        ("application/json", "jsonld"),
        ("application/ld+json;q=0.9, text/turtle;q=0.8", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("application/n-triples", "nt"),
        ("application/xhtml+xml", "html"),
        ("TEXT/TURTLE", "ttl"),
        ("text/*;q=0.5, application/n-triples;q=0.4", "html"),  # text/* takes the first text offer
        ("text/html;q=0, text/*;q=1", "ttl"),  # the most specific range gives the quality
        ("image/png, */*;q=0.1", "html"),
    ],
)
def test_the_best_offer_for_an_accept_header(accept, suffix):
    assert negotiate(accept) == suffix


@pytest.mark.parametrize("accept", ["image/png", "text/plain", "*/*;q=0", "application/*;q=0, text/*;q=0"])
def test_nothing_acceptable_is_a_406(accept):
    assert negotiate(accept) is None


def test_a_caller_may_offer_fewer_documents():
    assert negotiate("text/html, text/turtle;q=0.5", offers=("ttl", "nt")) == "ttl"
    assert negotiate("text/html", offers=("ttl",)) is None


@pytest.mark.parametrize(
    ("header", "ranges"),
    [
        ("text/turtle;q=abc", [("text/turtle", 0.0)]),  # an unreadable quality refuses
        ("*/*;q=2", [("*/*", 1.0)]),  # kept within 0..1
        ("text/turtle;q=-1", [("text/turtle", 0.0)]),
        ("application/ld+json;Q=0.5", [("application/ld+json", 0.5)]),
        ("bad, text/, /x, a/b/c, ;q=1", []),  # malformed entries left out, never an error
        ("text/turtle ; charset=utf-8 ; q=0.7", [("text/turtle", 0.7)]),
    ],
)
def test_accept_entries_are_read_leniently(header, ranges):
    assert parse_accept(header) == ranges


def test_only_the_first_64_entries_are_read():
    """A hostile header with thousands of entries costs nothing."""
    assert len(parse_accept(", ".join(["text/plain"] * 5000))) == 64
    assert negotiate(", ".join(["image/png"] * 64 + ["text/turtle"])) is None


@pytest.mark.parametrize(
    ("media_type", "q"),
    [("text/turtle", 0.9), ("text/html", 0.3), ("application/n-triples", 0.1), ("image/png", 0.1)],
)
def test_the_most_specific_matching_range_gives_the_quality(media_type, q):
    ranges = parse_accept("*/*;q=0.1, text/*;q=0.3, text/turtle;q=0.9")
    assert quality(media_type, ranges) == q


def test_each_offer_answers_with_the_media_type_of_its_format():
    assert MEDIA_TYPES == {
        "html": "text/html",
        "ttl": "text/turtle",
        "nt": "application/n-triples",
        "jsonld": "application/ld+json",
        "rdf": "application/rdf+xml",
    }
    assert list(OFFERS) == ["html", "ttl", "jsonld", "rdf", "nt"]
    assert all(OFFERS[suffix][0] == MEDIA_TYPES[suffix] for suffix in OFFERS)


@pytest.mark.parametrize(
    ("header", "persian"),
    [
        ("fa-IR,fa;q=0.9,en;q=0.8", True),
        ("fa", True),
        ("FA-ir", True),
        ("en-US,en;q=0.9", False),
        ("fa;q=0.5, en;q=0.5", False),  # a tie stays English
        ("*;q=0.5, fa;q=0.4", False),
        ("de, fa;q=0.1", True),  # Persian above no English at all
        ("", False),
        (None, False),
        ("fa;q=0", False),
    ],
)
def test_persian_is_chosen_when_ranked_above_english(header, persian):
    assert prefers_persian(header) is persian


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/html;q=0, */*", "ttl"),
        ("text/html;q=0, text/turtle;q=0, */*;q=0.5", "jsonld"),
        ("application/ld+json;q=0, text/html;q=0, text/turtle;q=0, application/rdf+xml", "rdf"),
        ("text/html;q=0, application/xhtml+xml", "html"),  # asked for by the alias's own name
    ],
)
def test_a_type_refused_by_name_is_not_sent_for_an_alias_that_star_matches(accept, suffix):
    """Regression: ``text/html;q=0, */*`` got the HTML page (as text/html), because ``*/*`` matched its
    alias application/xhtml+xml; an offer's quality is now that of its most specific match (RFC 9110)."""
    assert negotiate(accept) == suffix
