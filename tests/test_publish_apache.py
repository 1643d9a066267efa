"""kg.publish.apache: the w3id.org redirect rules, read the way mod_rewrite reads them, and the static host's types.

The rules are run here by a small reader of the three directives they use (RewriteCond on a header,
RewriteRule with [R=code,L]), so every path and Accept header is checked in milliseconds; a real
Apache runs them in tests/test_publish_static.py.
"""

from __future__ import annotations

import re

import pytest

from kg.limits import W3ID_MAX_HEADER
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
    """The (status, location) the first matching RewriteRule with a target gives, its RewriteCond lines all
    matching; a rule whose target is ``-`` sets its [E=NAME:value] variables and the reading goes on."""
    env: dict[str, str] = {}
    conditions: list[re.Match[str] | None] = []
    for line in rules.splitlines():
        if line.startswith("RewriteCond "):
            _, variable, pattern, *flags = line.split(" ")
            name = variable.removeprefix("%{").removesuffix("}")
            # mod_rewrite names a few headers (HTTP_ACCEPT…) and reads any other as %{HTTP:Name}; an unknown
            # variable such as HTTP_ACCEPT_LANGUAGE is empty, as it is here; %{ENV:NAME} is a variable of the request
            if name.startswith("ENV:"):
                value = env.get(name.removeprefix("ENV:"), "")
            else:
                header = name.removeprefix("HTTP:") if name.startswith("HTTP:") else _NAMED_HEADERS.get(name, "")
                value = headers.get(header, "")
            conditions.append(re.search(pattern, value, re.IGNORECASE if "[NC]" in flags else 0))
        elif line.startswith("RewriteRule "):
            _, pattern, target, flags = line.split(" ")
            match = re.search(pattern, path)
            if match and all(conditions):
                if target == "-":
                    env.update(re.findall(r"E=(\w+):([^,\]]*)", flags))
                    conditions = []
                    continue
                last = conditions[-1] if conditions else None
                location = (
                    re.sub(r"%(\d)", lambda m, last=last: last.group(int(m.group(1))), target) if last else target
                )
                location = match.expand(re.sub(r"\$(\d)", r"\\g<\1>", location))
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
        ("application/rdf+xml, text/turtle", "ttl"),  # the same quality: kg serve's order breaks the tie
        # q-values (they were read as text: the first RDF type named won)
        ("text/html, text/turtle;q=0.1", "html"),
        ("text/turtle;q=0, text/html", "html"),
        ("text/turtle;q=0", "html"),  # refused by name, nothing else asked: the page
        ("application/ld+json, text/turtle;q=0.5", "jsonld"),
        ("text/turtle;q=0.9, application/ld+json", "jsonld"),
        ("TEXT/Turtle ; Q=0.9 , application/ld+json;q=0.3", "ttl"),
        ("text/turtle;charset=utf-8;q=0.2, application/rdf+xml;q=0.8, */*;q=0.1", "rdf"),
        ("text/turtle; q=0.4, text/*;q=0.9", "html"),  # text/html by text/*, above the Turtle named
        ("application/*;q=0.5, text/html;q=0.3", "ttl"),  # application/x-turtle by application/*, as kg serve
        ("text/html;q=0.05, application/n-triples;q=0.06", "html"),  # below 0.1: one tier, the page first
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
    assert rewrite(rules, "ontology", {"Accept-Language": "en;q=0.1, fa"}) == (302, f"{HOST}ontology.fa.html")
    assert rewrite(rules, "ontology", {"Accept-Language": "de, fa;q=0.4"}) == (302, f"{HOST}ontology.fa.html")
    assert rewrite(rules, "ontology", {"Accept-Language": "fa;q=0.4, *;q=0.5"}) == (302, f"{HOST}ontology.html")
    assert rewrite(rules, "ontology", {"Accept-Language": "fa, en"}) == (302, f"{HOST}ontology.html")  # a tie


#: Entries of the headers tried against kg serve's negotiation: every offer's types, ranges, others; q-values of
#: one decimal place (what the rules compare), none at all, and one below 0.1.
_ENTRIES = ["text/html", "application/xhtml+xml", "text/turtle", "application/x-turtle", "application/ld+json",
            "application/json", "application/n-triples", "application/rdf+xml", "text/*", "application/*", "*/*",
            "image/png"]  # fmt: skip
_QS = ["", ";q=1", ";q=0.9", ";q=0.5", ";q=0.50", ";q=0.1", ";q=0", ";q=0.05", ";Q=0.7"]


def test_the_rules_choose_as_kg_serve_does_for_headers_with_q_values_of_one_decimal_place():
    """Two thousand headers of one to four ranges: the variant the rules redirect to is kg serve's
    (kg.publish.conneg.negotiate), or the page where kg serve would answer 406."""
    import random

    from kg.publish.conneg import negotiate

    rules = w3id_rules(HOST)
    pick = random.Random(19)
    for _ in range(2000):
        # each range named once (RFC 9110 leaves a range named twice undefined: kg serve takes the first)
        header = ", ".join(entry + pick.choice(_QS) for entry in pick.sample(_ENTRIES, pick.randint(1, 4)))
        expected = negotiate(header) or "html"
        assert rewrite(rules, "id/kazakhstan", {"Accept": header}) == (303, f"{HOST}id/kazakhstan.{expected}"), header


def test_the_rules_choose_the_language_as_kg_serve_does():
    from kg.publish.conneg import prefers_persian

    rules = w3id_rules(HOST)
    pick = __import__("random").Random(23)
    for _ in range(500):
        tags = pick.sample(["fa", "fa-IR", "en", "en-GB", "*", "de"], pick.randint(1, 3))
        header = ",".join(tag + pick.choice(_QS) for tag in tags)
        page = "fa.html" if prefers_persian(header) else "html"
        assert rewrite(rules, "ontology", {"Accept": "text/html", "Accept-Language": header}) == (
            302,
            f"{HOST}ontology.{page}",
        ), header


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
    assert rules.splitlines()[4:6] == ["Options +FollowSymLinks", "RewriteEngine on"]
    assert rules.endswith("\n")


def test_the_static_host_serves_every_suffix_with_its_media_type_and_charset():
    rules = site_rules().splitlines()
    for ext, media in MEDIA_TYPES.items():
        assert f"AddType {media} .{ext}" in rules
    assert "AddCharset utf-8 .html .ttl .nt .jsonld .rdf .json .xml" in rules
    assert "ErrorDocument 404 /404.html" in rules
    assert rules[rules.index('<Files "void">') + 1] == '  ForceType "text/turtle; charset=utf-8"'


def test_a_header_longer_than_the_rules_read_gets_the_page():
    rules = w3id_rules(HOST)
    long = "text/turtle" + " " * W3ID_MAX_HEADER + ", x/y"  # a header no client sends: not read at all
    assert rewrite(rules, "id/kazakhstan", {"Accept": long}) == (303, f"{HOST}id/kazakhstan.html")
    short = "text/turtle" + " " * 900 + ", x/y"
    assert rewrite(rules, "id/kazakhstan", {"Accept": short}) == (303, f"{HOST}id/kazakhstan.ttl")
    persian = "fa" + " " * W3ID_MAX_HEADER + ", de"
    assert rewrite(rules, "ontology", {"Accept-Language": persian}) == (302, f"{HOST}ontology.html")


def _without_atomic_groups(pattern: str) -> str:
    """``pattern`` with each atomic group ``(?>…)`` (its brackets matched, nested ones too) left out."""
    while (start := pattern.find("(?>")) >= 0:
        depth, end = 0, start
        for end in range(start, len(pattern)):
            depth += {"(": 1, ")": -1}.get(pattern[end], 0)
            if depth == 0:
                break
        pattern = pattern[:start] + pattern[end + 1 :]
    return pattern


def test_every_repetition_of_the_negotiation_is_possessive_or_atomic():
    """BR: '*/*' + 8 000 spaces + 'x' took Apache seconds (the runs of spaces and of parameters' characters were
    given back one by one, time quadratic in the header's length). A run that is never given back reads a header
    in one pass: every quantifier of the conditions is possessive (*+, ++) or in an atomic group, but the lookahead's
    '.*' that only steps to the next comma."""
    conditions = [
        line.split(" ")[2]
        for line in w3id_rules(HOST).splitlines()
        if line.startswith(("RewriteCond %{HTTP_ACCEPT}", "RewriteCond %{HTTP:Accept-Language}"))
    ]
    assert len(conditions) > 70
    for condition in conditions:
        bare = re.sub(r"\\.", "", condition)  # escaped characters out (\\*, \\+, \\s: one character each)
        bare = bare.replace(".*(?:^|,)", "").replace("^.{1025}", "")  # a step to the next comma; the length guard
        bare = _without_atomic_groups(bare)
        bare = bare.replace("*+", "").replace("++", "")
        assert "*" not in bare and "+" not in bare and not re.search(r"\{[0-9]*,\}", bare), (condition, bare)
