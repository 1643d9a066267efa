"""kg.publish.apache: the w3id.org redirect rules, read the way mod_rewrite reads them, and the static host's types.

The rules are run here by a small reader of the three directives they use (RewriteCond on a header,
RewriteRule with [R=code,L]), so every path and Accept header is checked in milliseconds; a real
Apache runs them in tests/test_publish_static.py.
"""

from __future__ import annotations

import re

import pytest

from kg.publish.apache import site_rules, w3id_rules
from kg.publish.conneg import MEDIA_TYPES

HOST = "https://example.org/kg/"
#: The headers mod_rewrite names as variables (the ones the rules could use).
_NAMED_HEADERS = {
    "HTTP_ACCEPT": "Accept",
    "HTTP_HOST": "Host",
    "HTTP_USER_AGENT": "User-Agent",
    "HTTP_REFERER": "Referer",
}


def rewrite(rules: str, path: str, headers: dict[str, str]) -> tuple[int, str] | None:
    """The (status, location) the first matching RewriteRule gives, its RewriteCond lines all matching."""
    conditions: list[bool] = []
    for line in rules.splitlines():
        if line.startswith("RewriteCond "):
            _, variable, pattern = line.split(" ", 2)
            name = variable.removeprefix("%{").removesuffix("}")
            # mod_rewrite names a few headers (HTTP_ACCEPT…) and reads any other as %{HTTP:Name}; an unknown
            # variable such as HTTP_ACCEPT_LANGUAGE is empty, as it is here
            header = name.removeprefix("HTTP:") if name.startswith("HTTP:") else _NAMED_HEADERS.get(name, "")
            conditions.append(re.search(pattern, headers.get(header, "")) is not None)
        elif line.startswith("RewriteRule "):
            _, pattern, target, flags = line.split(" ")
            match = re.search(pattern, path)
            if match and all(conditions):
                location = match.expand(re.sub(r"\$(\d)", r"\\g<\1>", target))
                return int(re.search(r"R=(\d+)", flags).group(1)), location
            conditions = []
    return None


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/turtle", "ttl"),
        ("application/x-turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("*/*", "html"),
        ("", "html"),
        ("application/rdf+xml, text/turtle", "ttl"),  # no q-values: Turtle is tried first
    ],
)
@pytest.mark.parametrize(
    ("path", "status"),
    [("id/kazakhstan", 303), ("id/concept/units", 303), ("ontology", 302), ("ontology/0.1.0", 302), ("dataset", 302)],
)
def test_a_resource_answers_303_and_a_document_302_to_the_variant_accept_asks_for(path, status, accept, suffix):
    assert rewrite(w3id_rules(HOST), path, {"Accept": accept}) == (status, f"{HOST}{path}.{suffix}")


def test_a_reader_of_persian_is_sent_to_the_persian_page():
    rules = w3id_rules(HOST)
    assert rewrite(rules, "id/kazakhstan", {"Accept": "text/html", "Accept-Language": "fa-IR,fa;q=0.9"}) == (
        303,
        f"{HOST}id/kazakhstan.fa.html",
    )
    assert rewrite(rules, "id/kazakhstan", {"Accept": "text/turtle", "Accept-Language": "fa"}) == (
        303,
        f"{HOST}id/kazakhstan.ttl",
    )
    assert rewrite(rules, "ontology", {"Accept-Language": "en, fa;q=0.5"}) == (302, f"{HOST}ontology.html")


@pytest.mark.parametrize(
    "path",
    ["id/kazakhstan.ttl", "id/kazakhstan.fa.html", "ontology.jsonld", "dumps/kg.nt.gz", "sparql/engine.json"],
)
def test_a_document_is_sent_to_the_same_path_on_the_host(path):
    assert rewrite(w3id_rules(HOST), path, {"Accept": "text/turtle"}) == (302, HOST + path)


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("", HOST),
        (".well-known/void", HOST + ".well-known/void"),
        ("search", HOST + "search"),
        ("ontologyX", HOST + "ontologyX"),  # not a document of the hash namespaces: no negotiation
        ("ontology/latest", HOST + "ontology/latest"),
    ],
)
def test_anything_else_is_sent_to_the_same_path_on_the_host(path, location):
    assert rewrite(w3id_rules(HOST), path, {"Accept": "text/turtle"}) == (302, location)


def test_the_rules_name_their_origin_and_the_host():
    rules = w3id_rules(HOST)
    assert rules.splitlines()[0] == f"# w3id.org/iran-kazakhstan-kg: https://w3id.org/iran-kazakhstan-kg/ -> {HOST}"
    assert rules.splitlines()[3:5] == ["Options +FollowSymLinks", "RewriteEngine on"]
    assert rules.endswith("\n")


def test_the_static_host_serves_every_suffix_with_its_media_type_and_charset():
    rules = site_rules().splitlines()
    for ext, media in MEDIA_TYPES.items():
        assert f"AddType {media} .{ext}" in rules
    assert "AddCharset utf-8 .html .ttl .nt .jsonld .rdf .json .xml" in rules
    assert "ErrorDocument 404 /404.html" in rules
    assert rules[rules.index('<Files "void">') + 1] == '  ForceType "text/turtle; charset=utf-8"'
