"""kg.http, the one HTTP client: which URLs it takes, whose origin credentials belong to, the server's own words.

The exchanges themselves (one deadline, redirects, Basic and Digest, bounded answers) are tested against real
servers in tests/test_endpoint.py and tests/hostile/test_hostile_endpoint.py.
"""

from __future__ import annotations

import json

import pytest

from kg.errors import UsageError
from kg.http import Response, access_hint, check_url, origin, server_message


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:7878/query", "https://example.org/sparql", "HTTP://Example.org:8890/sparql?x=1"]
)
def test_an_absolute_http_url_is_taken_as_it_is(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "localhost:7878/query",
            "not an http(s) URL: 'localhost:7878/query' (give the scheme: http://localhost:7878/query)",
        ),
        ("ftp://example.org/x", "not an http(s) URL: 'ftp://example.org/x'"),
        ("file:///etc/passwd", "not an http(s) URL: 'file:///etc/passwd'"),
        ("http://", "not an http(s) URL: 'http://'"),
        ("http://example.org:99999/", "not an http(s) URL: 'http://example.org:99999/'"),
        ("http://exa mple.org/", "not an http(s) URL: 'http://exa mple.org/'"),
    ],
)
def test_anything_else_is_a_usage_error_naming_the_url(url, message):
    with pytest.raises(UsageError) as caught:
        check_url(url)
    assert str(caught.value) == message


def test_an_origin_is_scheme_host_and_port_with_the_default_ports_filled_in():
    assert origin("http://Example.org/a") == ("http", "example.org", 80)
    assert origin("https://example.org/a") == ("https", "example.org", 443)
    assert origin("http://example.org:80/b") == origin("http://EXAMPLE.org/c")
    assert origin("http://example.org:8080/") != origin("http://example.org/")


def test_the_servers_words_from_an_html_page_skip_its_scripts_and_styles():
    page = (
        b"<!doctype html><html><head><title>Error</title><style>p{}</style></head>"
        b"<body><script>var x = 1;</script><h1>400 Bad Request</h1><p>Parse error at line 3</p></body></html>"
    )
    assert server_message(page, "text/html") == "400 Bad Request / Parse error at line 3"


def test_the_servers_words_from_a_json_error_are_its_message():
    body = json.dumps({"error": {"message": "Query timed out", "code": 504}}).encode()
    assert server_message(body, "application/json") == "Query timed out"


def test_a_long_message_is_cut_to_the_limit():
    said = server_message(("word " * 200).encode(), "text/plain", limit=40)
    assert len(said) == 40 and said.endswith("...")


def _response(status: int, url: str = "http://example.org/store", challenges: tuple[str, ...] = ()) -> Response:
    return Response(url, status, "", {}, b"", challenges)


def test_what_a_401_or_403_most_likely_means():
    url = "http://example.org/store"
    assert "give --user" in access_hint(_response(401), None, url)
    asked = access_hint(_response(401, challenges=('Digest realm="x"', "Basic")), "dba", url)
    assert (
        asked == "the server did not accept user 'dba' and its password: check both (it asks for Basic or Digest auth)"
    )
    assert "read-only server" in access_hint(_response(403), "dba", url, writing=True)
    moved = access_hint(_response(401, url="http://elsewhere.example/store"), "dba", url)
    assert moved.startswith("redirected to another server, which was not given the credentials")
