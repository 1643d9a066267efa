"""kg.publish.routes, the parts that need no server: conditional requests, the page language, the 406 answer.

The routes themselves answer over HTTP in tests/test_publish.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.requests import Request

from kg.publish.description import Publication
from kg.publish.routes import _lang, _not_acceptable, _not_modified

MODIFIED = datetime(2022, 6, 19, 10, 30, 15, 500_000, tzinfo=UTC)


def request(path: str = "/id/kazakhstan", query: str = "", **headers: str) -> Request:
    raw = [(name.replace("_", "-").lower().encode(), value.encode("utf-8")) for name, value in headers.items()]
    return Request({"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": raw})


@pytest.fixture(scope="module")
def publication():
    import pyoxigraph

    return Publication(pyoxigraph.Store(), MODIFIED)


@pytest.mark.parametrize(
    ("headers", "fresh"),
    [
        ({"if_none_match": '"abc"'}, True),
        ({"if_none_match": 'W/"abc"'}, True),  # a weak validator matches too
        ({"if_none_match": '"x", "abc" , "y"'}, True),
        ({"if_none_match": "*"}, True),
        ({"if_none_match": '"abd"'}, False),
        ({"if_none_match": '"abd"', "if_modified_since": "Sun, 19 Jun 2022 10:30:15 GMT"}, False),  # ETag wins
        ({"if_modified_since": "Sun, 19 Jun 2022 10:30:15 GMT"}, True),  # to the second, as HTTP dates are
        ({"if_modified_since": "Mon, 20 Jun 2022 00:00:00 GMT"}, True),
        ({"if_modified_since": "Sun, 19 Jun 2022 10:30:14 GMT"}, False),
        ({"if_modified_since": "yesterday"}, False),
        ({"if_modified_since": "Sun, 19 Jun 2022 10:30:15"}, False),  # no zone: cannot be compared, so sent
        ({}, False),
    ],
)
def test_a_conditional_request_is_answered_304_only_when_it_holds_the_current_document(publication, headers, fresh):
    assert _not_modified(request(**headers), '"abc"', publication) is fresh


@pytest.mark.parametrize(
    ("query", "accept_language", "lang"),
    [
        ("lang=fa", "en", "fa"),  # the query beats the header
        ("lang=en", "fa-IR,fa;q=0.9", "en"),
        ("", "fa-IR,fa;q=0.9,en;q=0.8", "fa"),
        ("", "en-US,en;q=0.9", "en"),
        ("", "", "en"),
        ("lang=de", "fa", "en"),  # an unknown language: the default
    ],
)
def test_the_page_language_is_asked_or_negotiated(query, accept_language, lang):
    assert _lang(request(query=query, accept_language=accept_language)) == lang


def test_a_406_names_the_path_and_every_type_offered():
    answer = _not_acceptable(request("/id/تهران"))
    assert answer.status_code == 406 and answer.headers["vary"] == "Accept"
    assert answer.body.decode() == (
        "406 Not Acceptable: /id/تهران is available as text/html, text/turtle, application/ld+json, "
        "application/rdf+xml, application/n-triples"
    )
