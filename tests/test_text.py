"""Persian-aware matching."""

from __future__ import annotations

import pytest

from kg.text import find_spans, fold, matches


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("توكايف", "قاسم‌ژومارت توکایف"),  # Arabic kaf and yeh
        ("رئیس جمهور", "رئیس‌جمهور قزاقستان"),  # space for ZWNJ
        ("رییس‌جمهور", "رئیسجمهور"),  # yeh for yeh-with-hamza, and a ZWNJ the text lacks
        ("۱۴۰۰", "سال 1400"),  # Persian digits against Latin
        ("1400", "سال ۱۴۰۰"),
        ("نیکولاس", "نیكولاس مادورو"),
        ("استانه", "آستانه"),  # alef without madda
        ("nicolas maduro", "Nicolás Maduro"),  # Latin diacritics and case
        ("قَزاقِستان", "قزاقستان"),  # Persian diacritics
        ("\ufef3\ufeb3", "یس"),  # Arabic presentation forms, as pasted from a PDF
        ("هیأت", "هیئت همراه توکایف"),  # the hamza on alef or on yeh after a yeh (the article writes هیأت)
        ("هیات همراه", "هیئت همراه رئیس‌جمهور"),  # and no hamza at all
        ("هیئت", "هیأت"),
        ("مسؤول", "مسئولیت"),  # the hamza on waw or on yeh before a waw
        ("مسوول", "مسئول"),
        ("شؤون", "شئون"),
        ("Kazakhstan’s", "Kazakhstan's visit"),  # a phone's curly apostrophe
        ("“Tokayev”", "Tokayev"),  # and curly quotes
        ("‘Astana’", "`Astana`"),
        ("ھیئت", "هیئت همراه"),  # an Urdu keyboard's heh (doachashmee)
        ("ەمراە", "همراه"),  # a Kurdish keyboard's heh (ae)
        ("جمهورۂ", "جمهوره"),  # heh goal with hamza, and teh marbuta goal
        ("جمهورۃ", "جمهوره"),
    ],
)
def test_matches_however_it_is_typed(typed, label):
    assert matches(typed, label)


def test_does_not_match_different_words():
    assert not matches("ترکمنستان", "تاجیکستان")
    assert not matches("", "anything")
    assert not matches("رایس", "رئیس")  # the yeh with hamza between other letters stays a yeh
    assert not matches("پااز", "پائیز")


def test_find_spans_finds_the_articles_own_spelling_however_the_hamza_is_typed(text):
    for typed in ("هیئت همراه", "هیأت همراه", "هیات همراه", "هيئت همراه"):
        assert [(s.begin, s.end, s.text) for s in find_spans(text, typed)] == [(2194, 2204, "هیأت همراه")], typed


def test_find_spans_returns_verbatim_offsets_in_code_points(text):
    spans = find_spans(text, "رئیس‌جمهور قزاقستان")
    assert [(s.begin, s.end, s.text) for s in spans][:2] == [
        (2173, 2191, "رئیسجمهور قزاقستان"),
        (3648, 3666, "رئیسجمهور قزاقستان"),
    ]
    assert all(text[s.begin : s.end] == s.text for s in spans)
    assert len(spans) == 5  # the last, «رئیس جمهور قزاقستان», is spelt with a space


def test_find_spans_crosses_the_broken_paragraph(text):
    (span,) = find_spans(text, "آغاز به کار کرد")
    assert span.text == "آغاز به\n\nکار کرد"


def test_fold_is_idempotent():
    for sample in ("رئیس‌جمهور", "توكايف", "۲۶۵ میلیون"):
        assert fold(fold(sample)) == fold(sample)
