"""`kg validate`: the shipped data conforms; broken copies fail with the expected messages."""

from __future__ import annotations

import pytest

from kg.validate import validate


def test_shipped_data_conforms():
    report = validate()
    assert report.conforms, report.format()
    assert report.checks == [
        "SHACL shapes",
        "quotes at offsets",
        "declared terms",
        "labels",
        "Persian orthography",
        "Wikidata links",
        "well-typed literals",
    ]


# (what is broken, exact replacement in data/article.ttl, check, focus node, message fragment)
BROKEN = [
    (
        "a Persian label removed",
        ('rdfs:label "Kazakhstan"@en , "قزاقستان"@fa', 'rdfs:label "Kazakhstan"@en'),
        "shacl",
        "kgi:kazakhstan",
        "needs exactly one Persian label (rdfs:label @fa)",
    ),
    (
        "a quote moved off its offsets",
        ("nif:beginIndex 622 ; nif:endIndex 628 ;", "nif:beginIndex 621 ; nif:endIndex 627 ;"),
        "quotes",
        "span:622-628",
        "the text at 621-627 is ' توکای', not the quoted 'توکایف'",
    ),
    (
        "the article's error asserted as fact",
        (
            "org:holds post:president-of-turkmenistan .",
            "org:holds post:president-of-turkmenistan , post:president-of-tajikistan .",
        ),
        "shacl",
        "slip:berdimuhamedow-country",
        "a slip's claimed statement (the error) must not be asserted in the graph",
    ),
    (
        "a correction no longer asserted",
        ("schema:location kgi:almaty ;", ""),
        "shacl",
        "slip:almaty-nuclear-talks",
        "a slip's corrected statement must be asserted in the graph",
    ),
    (
        "a gap in the train's route",
        ("schema:position 3 ;", "schema:position 4 ;"),
        "shacl",
        "kgi:kazakhstan-iran-turkey-rail-route",
        "the stops must be numbered 1, 2, 3",
    ),
    (
        "a statement text that is not its quote",
        ('"ما باید در این حوزه ارتباطات مان را گسترش دهیم"@fa', '"ما باید"@fa'),
        "shacl",
        "statement:faraji-rad-expand-ties",
        "schema:text must be the exact text of one of the statement's own mentions",
    ),
    (
        "a Solar Hijri decade of nine years",
        ("kg:solarHijriYearTo 1389 ;", "kg:solarHijriYearTo 1388 ;"),
        "shacl",
        "period:sh-1380s",
        "a Solar Hijri decade runs from a year ending in 0 to nine years later",
    ),
    (
        "a Wikidata id that is not in the reference list",
        ("owl:sameAs wd:Q232 ;", "owl:sameAs wd:Q99999 ;"),
        "wikidata",
        "kgi:kazakhstan",
        "id not in data/reference/wikidata.tsv",
    ),
    (
        "Arabic yeh and kaf in a Persian label",
        ('"کشورهای همسایهٔ ایران"@fa', '"كشورهاي همسايهٔ ايران"@fa'),
        "orthography",
        "kgi:iran-neighbours",
        "uses Arabic yeh (ي)",
    ),
    (
        "a compound without its ZWNJ",
        ('"رئیس\u200cجمهور قزاقستان"@fa', '"رئیس جمهور قزاقستان"@fa'),
        "orthography",
        "post:president-of-kazakhstan",
        "writes 'رئیس جمهور' where Persian needs a ZWNJ",
    ),
    (
        "a misspelt ontology term",
        ("kg:wagonCount 24 ;", "kg:wagonCont 24 ;"),
        "terms",
        "kg:wagonCont",
        "no such property in its vocabulary",
    ),
    (
        "a misspelt schema.org term",
        ("schema:position 1 ;", "schema:positon 1 ;"),
        "terms",
        "schema:positon",
        "no such property in its vocabulary",
    ),
    (
        "an entity with no mention",
        ("kgi:syria a kg:Country ;", "kgi:narnia a kg:Country ;"),
        "shacl",
        "kgi:narnia",
        "needs a mention in the article",
    ),
]


@pytest.mark.parametrize(("old_new", "check", "focus", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_copy_fails_with_its_message(broken_copy, old_new, check, focus, message):
    report = validate([broken_copy(*old_new)])
    assert not report.conforms
    assert any(f.check == check and f.focus == focus and message in f.message for f in report.findings), report.format()


def test_report_names_focus_path_and_message(broken_copy):
    report = validate([broken_copy("kg:wagonCount 24 ;", "kg:wagonCount -1 ;")])
    text = report.format()
    assert "[shacl] kgi:first-container-train" in text
    assert "path:    kg:wagonCount" in text
    assert "message: kg:wagonCount must be one non-negative integer" in text
    assert text.endswith("does not conform: 1 problem(s)\n")
