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
