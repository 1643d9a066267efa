"""Search by name (kg.publish.search): suggestions folded as the explorer folds, and names read as IRIs."""

from __future__ import annotations

import pytest

from kg.namespaces import BASE
from kg.publish.description import load_publication
from kg.publish.search import SearchIndex


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_publication())


@pytest.mark.parametrize(
    ("typed", "iri"),
    [
        ("Tokayev", "id/kassym-jomart-tokayev"),
        ("توكايف", "id/kassym-jomart-tokayev"),  # Arabic kaf and yeh
        ("  توکایف ", "id/kassym-jomart-tokayev"),
        ("IRAN", "id/iran"),
        ("ایران", "id/iran"),
        ("Raisi", "id/ebrahim-raisi"),
    ],
)
def test_a_name_that_clearly_leads_is_read_as_its_iri(index, typed, iri):
    assert index.resolve(typed) == BASE + iri


@pytest.mark.parametrize("typed", ["kgi:iran", "<https://example.org/x>", "nope", "xyzzy", "president", ""])
def test_an_iri_a_piece_of_a_word_or_an_ambiguous_name_is_left_as_typed(index, typed):
    assert index.resolve(typed) is None


def test_suggestions_rank_an_exact_name_first_and_say_the_class_in_the_language(index):
    found = index.suggest("kazakhstan", "fa")
    assert (found[0]["iri"], found[0]["label"], found[0]["class"]) == (BASE + "id/kazakhstan", "قزاقستان", "کشور")
    assert index.suggest("", "en") == [] and index.suggest("x" * 10_000, "en") == []


@pytest.mark.parametrize(
    ("typed", "curie", "classes"),
    [
        ("kg:Agreement", "kg:Agreement", {"en": "class (OWL)", "fa": "ردهٔ OWL"}),  # an ontology class
        ("kg:party", "kg:party", {"en": "object property", "fa": "ویژگی شیء"}),
    ],
)
def test_a_standard_class_is_named_in_the_language_never_by_its_prefixed_name(index, typed, curie, classes):
    """The ontology's terms are typed by OWL's classes, the vocabularies' concepts by SKOS's: the search names
    them as the pages do (the catalogue's terms), in both the suggestions and the static site's index."""
    for lang, name in classes.items():
        entry = next(e for e in index.suggest(typed.split(":")[1], lang, href=None) if e["curie"] == curie)
        assert entry["class"] == name
        records = index.records(lang, href=lambda iri, lang: "")
        shown = {r["class"] for r in records if r["class"]}
        assert not {c for c in shown if ":" in c and " " not in c}, f"classes shown by prefixed name in {lang}"
