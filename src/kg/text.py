"""Persian-aware text matching: fold spelling variants, find phrases at code-point offsets.

People type Persian in many ways: Arabic or Persian yeh and kaf, with or
without the zero-width non-joiner (ZWNJ), with a space where the text has
none, with diacritics, with Persian, Arabic or Latin digits. :func:`fold`
maps all of these to one key, so a search matches however it was typed,
while offsets still point into the verbatim text.

Our own code, on :mod:`unicodedata`: Persian normalisers (hazm, parsivar)
return a rewritten text with no map from its offsets back to the original,
and the folding is a few character tables.

>>> fold("توكايف") == fold("توکایف")
True
>>> fold("رئیس‌جمهور") == fold("رئیس جمهور") == fold("رئیسجمهور")
True
>>> fold("۱۴۰۰"), fold("Nicolás MADURO")
('1400', 'nicolasmaduro')
>>> [(s.begin, s.end) for s in find_spans("به تهران رسید", "تهران")]
[(3, 8)]
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# One character -> its folded form ("" drops it).
_FOLD: dict[str, str] = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0626": "\u06cc",  # yeh with hamza -> yeh (رئیس ~ رییس)
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above -> heh
    "\u06c1": "\u0647",  # heh goal -> heh
    "\u0622": "\u0627",  # alef with madda -> alef
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0624": "\u0648",  # waw with hamza -> waw
    "\u0621": "",  # lone hamza
    "\u0640": "",  # tatweel
    "\u200c": "",  # ZWNJ
    "\u200d": "",  # ZWJ
    "\u200e": "",  # LRM
    "\u200f": "",  # RLM
    "\u00a0": "",  # no-break space
}
for _i in range(10):
    _FOLD[chr(0x06F0 + _i)] = str(_i)  # Persian digits
    _FOLD[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits


def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isspace() or ch in "-‐‑–—_.,،؛;:«»\"'()[]!?؟":
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed != ch:  # presentation forms and accented letters: fold what they decompose to
        return "".join(_fold_char(c) for c in decomposed if not unicodedata.combining(c))
    return "" if unicodedata.combining(ch) else ch.lower()


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the code-point index it came from."""
    out: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        for folded in _fold_char(ch):
            out.append(folded)
            where.append(index)
    return "".join(out), where


def fold(text: str) -> str:
    """The search key of ``text``: spelling variants, spacing, punctuation and case folded away."""
    return fold_with_map(text)[0]


@dataclass(frozen=True)
class Span:
    """A stretch of the text, in code points, end exclusive."""

    begin: int
    end: int
    text: str


def find_spans(text: str, phrase: str) -> list[Span]:
    """Every place ``phrase`` occurs in ``text``, however either is spelt, as verbatim spans."""
    key = fold(phrase)
    if not key:
        return []
    folded, where = fold_with_map(text)
    spans: list[Span] = []
    start = folded.find(key)
    while start != -1:
        begin, end = where[start], where[start + len(key) - 1] + 1
        spans.append(Span(begin, end, text[begin:end]))
        start = folded.find(key, start + 1)
    return spans


def matches(query: str, label: str) -> bool:
    """True when the folded ``query`` occurs in the folded ``label``."""
    key = fold(query)
    return bool(key) and key in fold(label)
