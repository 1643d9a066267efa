"""The one catalogue of UI strings (English and Persian) and the one list of the UI's languages.

Every string a reader sees from the site, the explorer, the ontology pages
and the command line's human-facing text lives in ``i18n.toml`` beside this
module, under a domain (``[site]``, ``[explorer]``, ``[docs]``, ...), one key
per message with both languages side by side::

    [site]
    run = { en = "Run", fa = "اجرا" }
    cut.en = "The result was cut at {n} rows."      # dotted keys for long ones
    cut.fa = "نتیجه در {n} سطر بریده شد."
    rows.en = { one = "{n} row", other = "{n} rows" } # CLDR plural categories
    rows.fa = "{n} سطر"                               # Persian counts take the singular

Adding strings: put them under your domain in ``i18n.toml`` (both languages,
the same ``{placeholders}``); read them with :func:`text` (Python),
:func:`messages` (a flat table for a template or a page's script) or
:class:`Messages` (bound to a domain and language, as templates use it).
``tests/test_i18n.py`` keeps both languages complete, their placeholders
equal and the Persian in Persian orthography (Persian yeh and kaf, Persian
digits).

Why not gettext (Babel's ``.po`` catalogues and Jinja2's i18n extension, the
field's standard)? We weighed it. gettext's strengths are a translator's
workflow across many languages: English text as the message id, ``.po``
files handed to translation tools, fuzzy matching when the English changes,
per-language plural formulas. This project has exactly two languages, both
written by its developers in the same change, and its consumers are three:
Python, Jinja2 templates, and the explorer, an offline single-file page whose
script must carry its strings inline (no fetch: its CSP is ``default-src
'none'``). gettext would add a compile step (``.mo``) or a ``.po`` reader at
run time, and a ``.po``-to-JSON step for the script, whose calls would then
look strings up by their English wording, so that mending an English typo
breaks the Persian lookup. One TOML file (read with the standard library's
``tomllib``) with stable keys and both languages side by side serves all
three directly, is reviewed in one place, and the tests above give what
``msgfmt --check`` would. Plural forms use CLDR's categories as ICU
MessageFormat does (``one``/``other``; :func:`plural_category`), without a
per-language formula.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decimal import Decimal

#: The languages of the UI, the default first. Every list of languages (CLI choices, the site's
#: ``?lang=``, the explorer's switch, the docs' pages) is this one.
LANGUAGES: tuple[str, ...] = ("en", "fa")
DEFAULT_LANGUAGE = LANGUAGES[0]
#: The writing direction of each UI language (``dir`` of a page).
DIRECTION = {"en": "ltr", "fa": "rtl"}

Message = str | Mapping[str, str]

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class UnknownMessage(KeyError):
    """A key that is not in the catalogue (a programming error, not a reader's)."""


#: Where the catalogue is: beside this module (as :mod:`kg.resources` finds the package's files).
CATALOGUE = Path(__file__).with_name("i18n.toml")
#: A domain's table header at the start of a line: ``[sparql]``.
_DOMAIN = re.compile(r"^\[([A-Za-z0-9_-]+)\][ \t]*$", re.MULTILINE)


@cache
def _domains() -> dict[str, str]:
    """Each domain's part of the catalogue's text, from its ``[domain]`` header to the next."""
    source = CATALOGUE.read_text(encoding="utf-8")
    heads = list(_DOMAIN.finditer(source))
    ends = [h.start() for h in heads[1:]] + [len(source)]
    return {h.group(1): source[h.end() : end] for h, end in zip(heads, ends, strict=True)}


@cache
def catalogue_domain(name: str) -> dict[str, dict[str, Message]]:
    """One domain of the catalogue, ``{key: {lang: message}}`` (KeyError for none such), read alone: tomllib
    reads the whole file in about 6 ms, and a ``kg query`` table needs one message (its count of rows)."""
    import tomllib  # about 3 ms to import: only where a message is read

    return tomllib.loads(_domains()[name])


def catalogue() -> dict[str, dict[str, dict[str, Message]]]:
    """The catalogue as read: ``{domain: {key: {lang: message}}}``."""
    return {name: catalogue_domain(name) for name in _domains()}


def language(lang: str | None) -> str:
    """``lang`` if it is a UI language, else the default (for request parameters)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def term_label(name: str, lang: str) -> str | None:
    """The name of a standard vocabulary term (its prefixed name, ``owl:sameAs``) in ``lang``, from the
    catalogue's ``terms``; None for a term it does not name.

    >>> term_label("owl:sameAs", "fa"), term_label("owl:sameAs", "en"), term_label("ex:x", "fa")
    ('یکسان با', 'same as', None)
    """
    entry = catalogue_domain("terms").get(name)
    return entry.get(language(lang)) if isinstance(entry, dict) else None


def other_language(lang: str) -> str:
    """The language the UI's switch leads to."""
    return LANGUAGES[(LANGUAGES.index(language(lang)) + 1) % len(LANGUAGES)]


def plural_category(n: float, lang: str) -> str:
    """The CLDR plural category of ``n`` that a message's forms are keyed by.

    English: ``one`` for 1, ``other`` otherwise. Persian counts take the
    singular noun, so Persian messages have one form and this answer is not
    consulted (CLDR's ``one`` for 0 and 1 is kept for completeness).
    """
    if lang == "fa":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def digits(text: str, lang: str) -> str:
    """``text`` with its ASCII digits in the UI's script: Persian digits (۰–۹) in the Persian UI."""
    return text.translate(_PERSIAN_DIGITS) if lang == "fa" else text


#: Unicode's first-strong isolate and pop directional isolate: each piece of user text sits between them.
FSI, PDI = "\u2068", "\u2069"


def isolate(value: str) -> str:
    """A piece of user text (a value, a name) to fill into a message or a title that mixes scripts,
    isolated from the text around it as ``<bdi>`` would (FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE)."""
    return f"{FSI}{value}{PDI}"


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _form(message: Message, lang: str, values: Mapping[str, Any]) -> str:
    if isinstance(message, str):
        return message
    count = values.get("n", values.get("count"))
    category = plural_category(count, lang) if isinstance(count, int | float) else "other"
    return message.get(category, message["other"])


def text(domain: str, key: str, lang: str, /, **values: Any) -> str:
    """The message ``domain.key`` in ``lang`` with ``values`` filled in.

    Numbers among ``values`` are written with grouped digits in the UI's
    script (``1,234`` / ``۱٬۲۳۴``); strings are filled in as they are.
    """
    try:
        message = catalogue_domain(domain)[key][language(lang)]
    except KeyError:
        raise UnknownMessage(f"{domain}.{key}") from None
    template = _form(message, lang, values)
    if not values:
        return template
    shown = {k: format_count(v, lang) if isinstance(v, int | float) and not isinstance(v, bool) else v
             for k, v in values.items()}  # fmt: skip
    return template.format_map(shown)


def messages(domain: str, lang: str) -> dict[str, Message]:
    """Every message of ``domain`` in ``lang``, unfilled: the table a page's script reads."""
    lang = language(lang)
    return {key: entry[lang] for key, entry in catalogue_domain(domain).items()}


#: Numbers with fewer integer digits than this are not grouped (CLDR's minimum grouping digits of 2,
#: as for many languages; so a year reads ``1400``, never ``1,400``).
GROUP_FROM_DIGITS = 5


#: An XSD decimal, integer, double or float as written (ASCII digits only; INF and NaN are not finite).
_XSD_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def format_number(value: int | float | Decimal | str, lang: str) -> str | None:
    """A number as a reader writes it, or None if ``value`` is not a finite number.

    Grouped by thousands from five digits on, in the UI's digits: ``265200000``
    is ``265,200,000`` in English and ``۲۶۵٬۲۰۰٬۰۰۰`` in Persian (CLDR's Persian
    group and decimal separators, U+066C and U+066B, and a minus sign U+2212).
    """
    if isinstance(value, int):  # a whole number (a count of rows): written as Decimal would, without its import
        negative, whole, fraction = value < 0, str(abs(value)), ""
    else:
        from decimal import Decimal, InvalidOperation

        if isinstance(value, str) and not _XSD_NUMBER.fullmatch(value.strip()):
            return None  # Decimal() also reads "۱۲", "1_000" and "NaN": no XSD number is written so
        try:
            number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
        except (InvalidOperation, ValueError):
            return None
        if not number.is_finite():
            return None
        if isinstance(value, float):
            number = Decimal(repr(value))
        negative = number < 0
        whole, _, fraction = f"{abs(number):f}".partition(".")
    if len(whole) >= GROUP_FROM_DIGITS:
        whole = f"{int(whole):,}"
    written = ("-" if negative else "") + whole + ("." + fraction if fraction else "")
    if lang != "fa":
        return written
    return digits(written.replace(",", "\u066c").replace(".", "\u066b"), lang).replace("-", "\u2212")


def format_count(value: float, lang: str) -> str:
    """A count or measure filled into a message (:func:`format_number`, never None for a finite number)."""
    return format_number(value, lang) or str(value)


class Messages:
    """The messages of one domain in one language, as templates use them.

    ``ui.run`` and ``ui["run"]`` give a message as it is; ``ui("cut", n=10)``
    fills it in. ``ui.lang`` and ``ui.dir`` are the language and its direction.
    """

    def __init__(self, domain: str, lang: str) -> None:
        self.domain = domain
        self.lang = language(lang)
        self.dir = DIRECTION[self.lang]

    def __call__(self, key: str, /, **values: Any) -> str:
        return text(self.domain, key, self.lang, **values)

    def __getitem__(self, key: str) -> str:
        return text(self.domain, key, self.lang)

    def __contains__(self, key: object) -> bool:
        return key in catalogue_domain(self.domain)

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return text(self.domain, key, self.lang)
        except UnknownMessage as exc:
            raise AttributeError(str(exc)) from None
