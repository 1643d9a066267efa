"""Persian-aware text matching: fold spelling variants, find phrases at code-point offsets.

People type Persian in many ways: Arabic or Persian yeh and kaf, with or
without the zero-width non-joiner (ZWNJ), with a space where the text has
none, with diacritics, with Persian, Arabic or Latin digits. :func:`fold`
maps all of these to one key, so a search matches however it was typed,
while offsets still point into the verbatim text.

Our own code, on :mod:`unicodedata`: Persian normalisers (hazm, parsivar)
return a rewritten text with no map from its offsets back to the original,
and the folding is a few character tables.

This module is the one home of the folding. The explorer's script folds with a
table generated from it (:func:`fold_script`, shipped as ``templates/explorer/fold-table.js``):
every character of :data:`FOLD_RANGES` that :func:`fold` changes, plus the
whitespace and the combining marks of this Python's Unicode database for the
characters outside those ranges.

>>> fold("توكايف") == fold("توکایف")
True
>>> fold("رئیس‌جمهور") == fold("رئیس جمهور") == fold("رئیسجمهور")
True
>>> fold("هیأت") == fold("هیئت") == fold("هیات"), fold("مسئول") == fold("مسؤول")
(True, True)
>>> fold("۱۴۰۰"), fold("Nicolás MADURO")
('1400', 'nicolasmaduro')
>>> [(s.begin, s.end) for s in find_spans("به تهران رسید", "تهران")]
[(3, 8)]
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# One character -> its folded form ("" drops it).
_FOLD: dict[str, str] = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0626": "\u06cc",  # yeh with hamza -> yeh (رئیس ~ رییس)
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above -> heh
    "\u06c1": "\u0647",  # heh goal -> heh
    "\u06c2": "\u0647",  # heh goal with hamza above -> heh
    "\u06c3": "\u0647",  # teh marbuta goal -> heh
    "\u06be": "\u0647",  # heh doachashmee (an Urdu keyboard's h: ھیئت) -> heh
    "\u06d5": "\u0647",  # ae (a Kurdish keyboard's h) -> heh
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
#: The yeh with hamza where one character's folding cannot say what it stands for: (its neighbour's side,
#: the neighbour as folded, what it folds to there). After a yeh it is the alef's hamza (هیئت ~ هیأت ~ هیات),
#: before a waw the waw's (مسئول ~ مسؤول ~ مسوول); elsewhere a yeh (رئیس ~ رییس, :data:`_FOLD`).
#: The explorer's script applies the same rules (:func:`generate_fold_script` ships them).
_HAMZA_YEH = "\u0626"
_HAMZA_CONTEXT: tuple[tuple[str, str, str], ...] = (
    ("after", "\u06cc", "\u0627"),
    ("before", "\u0648", "\u0648"),
)
#: Persian and Arabic-Indic digits as 0-9, and nothing else (a number or date typed on a Persian keyboard).
_DIGITS = str.maketrans({ch: latin for ch, latin in _FOLD.items() if latin.isascii() and latin.isdigit()})


def latin_digits(text: str) -> str:
    """``text`` with its Persian and Arabic-Indic digits written 0-9, every other character kept.

    >>> latin_digits("۱۴۰۱-۰۳-۲۹"), latin_digits("١٢ kgi:x")
    ('1401-03-29', '12 kgi:x')
    """
    return text.translate(_DIGITS)


def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isspace() or ch in "-‐‑–—_.,،؛;:«»\"'‘’‚‛“”„‟`()[]!?؟":
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed != ch:  # presentation forms and accented letters: fold what they decompose to
        return "".join(_fold_char(c) for c in decomposed if not unicodedata.combining(c))
    return "" if unicodedata.combining(ch) else ch.lower()


def _hamza_yeh(text: str, index: int, out: list[str]) -> str:
    """The folding of the yeh with hamza at ``index`` of ``text``, after ``out`` (the folded text so far)."""
    for side, neighbour, folded in _HAMZA_CONTEXT:
        if side == "after" and out and out[-1] == neighbour:
            return folded
        if side == "before" and index + 1 < len(text) and _fold_char(text[index + 1]).startswith(neighbour):
            return folded
    return _FOLD[_HAMZA_YEH]


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the code-point index it came from."""
    out: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        for folded in _hamza_yeh(text, index, out) if ch == _HAMZA_YEH else _fold_char(ch):
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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as code-point spans (end exclusive), split at line breaks and . ! ? ؟

    >>> t = "یک. دو؟ سه\\nچهار"
    >>> [t[b:e] for b, e in sentence_spans(t)]
    ['یک.', 'دو؟', 'سه', 'چهار']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for index, ch in enumerate(text):
        ends = ch == "\n" or (ch in ".!?؟" and (index + 1 == len(text) or text[index + 1].isspace()))
        if ends:
            spans.append((start, index if ch == "\n" else index + 1))
            start = index + 1
    spans.append((start, len(text)))
    out = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            out.append((begin, end))
    return out


def sentence_bounds(text: str, begin: int, end: int) -> tuple[int, int]:
    """The code-point bounds of the sentences of ``text`` (:func:`sentence_spans`) that hold
    ``begin``..``end``.

    >>> t = "یک. دو سه. چهار"
    >>> t[slice(*sentence_bounds(t, 4, 6))]
    'دو سه.'
    """
    spans = [(b, e) for b, e in _sentences(text) if b < end and begin < e]
    return (min(begin, spans[0][0]), max(end, spans[-1][1])) if spans else (begin, end)


@cache
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


# --------------------------------------------------------------------------- the script's folding table

#: Code-point ranges whose folding is written out for the explorer's script (Latin, combining marks,
#: Arabic and its presentation forms, general punctuation): the script folds exactly as :func:`fold`.
FOLD_RANGES = (
    (0x0000, 0x024F),
    (0x0300, 0x036F),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

#: The generated script module (an ES module of the explorer), shipped for one Unicode version.
FOLD_SCRIPT = Path(__file__).parent / "templates" / "explorer" / "fold-table.js"  # beside the package (kg.resources)


@cache
def fold_table() -> dict[str, str]:
    """Every character of :data:`FOLD_RANGES` that :func:`fold` changes, with its folded form."""
    table: dict[str, str] = {}
    for first, last in FOLD_RANGES:
        for code in range(first, last + 1):
            ch = chr(code)
            folded = fold(ch)
            if folded != ch:
                table[ch] = folded
    return table


def fold_generic() -> dict[str, list]:
    """How the script folds a character outside the table: the whitespace characters (dropped) and the
    code-point ranges of the combining marks (dropped after NFKD), from this Python's Unicode database
    (a scan of all 1.1 M code points: 0.3-0.5 s, which is why :func:`fold_script` ships its result)."""
    marks: list[list[int]] = []
    spaces: list[int] = []
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch.isspace():
            spaces.append(code)
        if unicodedata.combining(ch):
            if marks and marks[-1][1] == code - 1:
                marks[-1][1] = code
            else:
                marks.append([code, code])
    return {"marks": marks, "spaces": spaces}


def generate_fold_script() -> str:
    """The text of the script's folding module, computed from :func:`fold_table` and :func:`fold_generic`."""
    generic = fold_generic()
    import json

    entries = "".join(f"  {json.dumps(ch)}: {json.dumps(folded)},\n" for ch, folded in fold_table().items())
    marks = "".join(f"  [{a}, {b}],\n" for a, b in generic["marks"])
    spaces = ", ".join(map(str, generic["spaces"]))
    return (
        "// Generated by kg.text.write_fold_script from kg.text's folding: do not edit.\n"
        "// Regenerate: python -c 'from kg.text import write_fold_script; write_fold_script()'\n"
        f'export const UNIDATA_VERSION = "{unicodedata.unidata_version}";\n'
        "/** Every character of kg.text.FOLD_RANGES that kg.text.fold changes, with its folded form. */\n"
        f"export const FOLD = {{\n{entries}}};\n"
        "/** The yeh with hamza by its neighbour: [side, the neighbour as folded, what it folds to]. */\n"
        f"export const HAMZA_YEH = {json.dumps(_HAMZA_YEH)};\n"
        f"export const HAMZA_CONTEXT = {json.dumps([list(rule) for rule in _HAMZA_CONTEXT])};\n"
        "/** The whitespace characters (code points): dropped. */\n"
        f"export const SPACES = [{spaces}];\n"
        "/** The combining marks, as code-point ranges [first, last]: dropped after NFKD. */\n"
        f"export const MARKS = [\n{marks}];\n"
    )


@cache
def fold_script() -> str:
    """The script's folding module: the shipped one when it was generated with this Python's Unicode
    database, else generated now (:func:`generate_fold_script`)."""
    shipped = FOLD_SCRIPT.read_text(encoding="utf-8")
    if f'UNIDATA_VERSION = "{unicodedata.unidata_version}";' in shipped:
        return shipped
    return generate_fold_script()


def write_fold_script(path: str | Path | None = None) -> Path:
    """Write the script's folding module (default: the shipped file) from this Python's Unicode database."""
    target = Path(path) if path is not None else Path(str(FOLD_SCRIPT))
    target.write_text(generate_fold_script(), encoding="utf-8")
    return target
