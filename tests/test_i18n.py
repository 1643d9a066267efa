"""The one catalogue of UI strings (kg.i18n): complete in both languages, Persian in Persian orthography."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kg.i18n import (
    DIRECTION,
    LANGUAGES,
    Messages,
    UnknownMessage,
    catalogue,
    digits,
    format_count,
    format_number,
    language,
    messages,
    other_language,
    plural_category,
    text,
)

ENTRIES = [(domain, key, entry) for domain, keys in catalogue().items() for key, entry in keys.items()]


def _forms(message):
    return [message] if isinstance(message, str) else list(message.values())


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize(("domain", "key", "entry"), ENTRIES, ids=[f"{d}.{k}" for d, k, _ in ENTRIES])
def test_every_message_in_every_language_with_the_same_placeholders(domain, key, entry):
    assert set(entry) == set(LANGUAGES), f"{domain}.{key}: languages {sorted(entry)}"
    wanted = {name for form in _forms(entry["en"]) for name in _placeholders(form)}
    for lang in LANGUAGES:
        for form in _forms(entry[lang]):
            assert form.strip(), f"{domain}.{key}@{lang} is empty"
            assert _placeholders(form) == wanted, f"{domain}.{key}@{lang}: {form!r}"
        if not isinstance(entry[lang], str):
            assert "other" in entry[lang] and set(entry[lang]) <= {"zero", "one", "two", "few", "many", "other"}


def test_persian_messages_are_in_persian_orthography():
    """Persian yeh (U+06CC) and kaf (U+06A9), never the Arabic ones; Persian digits, never Arabic-Indic."""
    bad = []
    for domain, key, entry in ENTRIES:
        for form in _forms(entry["fa"]):
            if re.search("[\u064a\u0643\u0660-\u0669]", form):
                bad.append(f"{domain}.{key}: {form}")
    assert not bad


def test_a_message_in_each_language_with_numbers_in_its_script():
    assert text("site", "cut", "en", n=10000) == "Only the first 10,000 rows are shown (the site's row limit)."
    assert "۱۰٬۰۰۰" in text("site", "cut", "fa", n=10000)
    assert text("site", "run", "de") == "Run", "an unknown language falls back to the default"


def test_plural_forms_in_english_and_the_singular_after_a_persian_count():
    assert [text("site", "rows", "en", n=n) for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
    assert [text("site", "rows", "fa", n=n) for n in (1, 12)] == ["۱ سطر", "۱۲ سطر"]


def test_numbers_grouped_in_the_readers_script():
    assert format_count(265200000, "en") == "265,200,000"
    assert format_count(265200000, "fa") == "۲۶۵٬۲۰۰٬۰۰۰"
    assert format_count(-12345.5, "fa") == "\u2212۱۲٬۳۴۵٫۵", "a minus sign, Persian separators"
    assert format_count(1400, "en") == "1400", "four digits stay ungrouped: a year is never 1,400"
    assert format_count(0.25, "en") == "0.25"
    assert format_number("3000000000.50", "en") == "3,000,000,000.50"
    assert format_number("INF", "en") is None and format_number("abc", "fa") is None
    assert digits("cq04", "fa") == "cq۰۴" and digits("cq04", "en") == "cq04"


@pytest.mark.parametrize("number", [0, 1, -1, 999, 1400, 12345, -1234567, 265200000, 10**30, True])
def test_a_whole_number_is_written_as_its_decimal_is(number):
    """A count (an int) skips the decimal module on its way (a cold kg query's row count): the same text."""
    from decimal import Decimal

    for lang in ("en", "fa"):
        written = format_number(number, lang)
        assert written == format_number(Decimal(number), lang) == format_number(str(int(number)), lang)


def test_plural_categories():
    assert [plural_category(n, "en") for n in (0, 1, 2)] == ["other", "one", "other"]
    assert plural_category(1, "fa") == "one"


def test_bound_messages_as_templates_use_them():
    ui = Messages("site", "fa")
    assert (ui.lang, ui.dir) == ("fa", "rtl")
    assert ui.run == ui["run"] == "اجرا"
    assert ui("cut", n=5) == text("site", "cut", "fa", n=5)
    with pytest.raises(AttributeError, match=r"site\.no_such_key"):
        _ = ui.no_such_key
    with pytest.raises(UnknownMessage):
        text("site", "no_such_key", "en")


def test_one_language_list():
    assert language(None) == language("de") == LANGUAGES[0]
    assert [other_language(lang) for lang in LANGUAGES] == list(reversed(LANGUAGES))
    assert set(DIRECTION) == set(LANGUAGES)
    assert messages("site", "fa")["run"] == "اجرا"


def test_every_message_a_template_uses_is_in_the_catalogue():
    folder = Path(__file__).parents[1] / "src" / "kg" / "templates" / "site"
    used = set()
    for path in folder.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bui\.([A-Za-z_]\w*)", source))
        used |= set(re.findall(r"\bui\(\s*['\"](\w+)['\"]", source))
    used -= {"lang", "dir"}
    assert used and used <= catalogue()["site"].keys(), sorted(used - catalogue()["site"].keys())


@pytest.mark.parametrize(
    ("lexical", "lang", "shown"),
    [
        ("265200000", "en", "265,200,000"),
        ("265200000", "fa", "۲۶۵٬۲۰۰٬۰۰۰"),
        ("-1234567.890", "fa", "\u2212۱٬۲۳۴٬۵۶۷٫۸۹۰"),  # minus sign, momayyez, Persian thousands separator
        ("+12", "en", "12"),
        (" 42 ", "fa", "۴۲"),
        ("0.5", "fa", "۰٫۵"),
        ("1400", "fa", "۱۴۰۰"),  # four digits stay whole
        ("12000", "en", "12,000"),
        ("1.5E3", "en", "1500"),  # an xsd:double as a reader writes it
    ],
)
def test_a_lexical_number_is_grouped_in_the_reader_s_digits(lexical, lang, shown):
    """The one number formatter of the site's tables, the publication's pages and the messages."""
    assert format_number(lexical, lang) == shown


@pytest.mark.parametrize("written", ["۱۲۳۴۵", "١٢٣٤٥", "１２", "1_000", "NaN", "1e", "", "abc", "1,000", "INF"])
def test_a_number_not_written_as_xsd_writes_numbers_is_no_number(written):
    """Regression: Decimal() reads Persian, Arabic-Indic and full-width digits and '_', so the site showed
    the ill-typed "۱۲۳۴۵"^^xsd:integer as 12,345."""
    assert format_number(written, "en") is None and format_number(written, "fa") is None


def test_each_domain_read_alone_is_the_domain_the_whole_file_gives():
    """The catalogue is read a domain at a time (a table's row count needs one message, not the 48 KB file);
    each part read alone equals that domain in one read of the whole file."""
    import tomllib

    from kg import i18n

    whole = tomllib.loads(i18n.CATALOGUE.read_text(encoding="utf-8"))
    assert i18n.catalogue() == whole and list(i18n.catalogue()) == list(whole)
    assert {"sparql", "cli", "terms"} <= whole.keys()
    with pytest.raises(KeyError):
        i18n.catalogue_domain("nope")
