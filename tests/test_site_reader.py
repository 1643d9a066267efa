"""What a reader of Persian finds on the pages of kg serve and of the static site: every page titled in its
language, nothing of the UI in English, Persian written as Persian (ZWNJ, yeh, kaf, digits).

The session's kg serve (conftest.py), asked over HTTP; the static site of the run's one ``kg build``."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request

import pytest

from kg.describe import texts
from kg.publish.dates import format_temporal

DATA_GRAPH_LABEL = texts("data_graph")

pytestmark = [pytest.mark.server]


def fetch(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode("utf-8")


def heading(page: str) -> tuple[str, str]:
    """The page's <title> and <h1>, as text."""
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    return tuple(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else "" for m in (title, h1))


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_data_graph_has_its_label_on_its_page_and_on_the_dataset_page(site, lang):
    """Its page was titled " · …" with an empty heading, and the dataset named it «گراف نام‌دار data»."""
    title, h1 = heading(fetch(f"{site}data?lang={lang}"))
    assert h1 == DATA_GRAPH_LABEL[lang] and title.startswith(DATA_GRAPH_LABEL[lang] + " · ")
    dataset = fetch(f"{site}dataset?lang={lang}")
    link = re.search(r'<a href="(/dataset/graph-data[^"]*)"[^>]*>([^<]*)</a>', dataset)
    assert link and link.group(2) == {"fa": "گراف نام‌دار داده‌ها", "en": "the named graph of the data"}[lang]
    assert DATA_GRAPH_LABEL[lang] in fetch(site + link.group(1).lstrip("/"))


@pytest.mark.slow
def test_the_static_site_titles_the_data_graph_in_both_languages(built):
    for name, lang in (("data.fa.html", "fa"), ("data.html", "en")):
        title, h1 = heading((built.folder / "site" / name).read_text(encoding="utf-8"))
        assert h1 == DATA_GRAPH_LABEL[lang] and title.startswith(DATA_GRAPH_LABEL[lang]), name


@pytest.mark.parametrize(
    ("path", "lang", "heading_text"),
    [
        ("id/nothing-here.fa.html", "fa", "یافت نشد (۴۰۴)"),  # a Persian document's name: the 404 was English
        ("nothing-here?lang=fa", "fa", "یافت نشد (۴۰۴)"),  # its status in Latin digits: «یافت نشد (404)»
        ("id/nothing-here.html", "en", "Not found (404)"),
        ("q/cq99?lang=fa", "fa", "خطا ۴۰۴"),  # the site's error pages: «خطا 404»
        ("editor?q=nothing&lang=fa", "fa", "خطا ۴۰۴"),
        ("q/cq99", "en", "Error 404"),
    ],
)
def test_a_page_not_found_is_in_the_readers_language_and_digits(site, path, lang, heading_text):
    request = urllib.request.Request(site + path, headers={"Accept": "text/html"})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=60)
    assert answer.value.code == 404
    page = answer.value.read().decode("utf-8")
    title, h1 = heading(page)
    assert f'<html lang="{lang}"' in page and h1 == heading_text
    assert not re.search("[0-9]", title + h1) if lang == "fa" else "404" in title + h1


@pytest.mark.parametrize(
    "path", ["dataset.fa.html", "dataset.html", "ontology/Country.fa.html", "ontology/party.fa.html", "data.fa.html"]
)
def test_the_dataset_and_the_terms_it_partitions_show_names_not_raw_iris(site, path):
    """The dataset's page listed ~200 raw IRIs (<…/dataset#class-kg-Agreement>, <…/iso639-1/fa>, <…/by/4.0/>…),
    and a class's or a property's page its partition as one; the names are in both languages now."""
    page = fetch(site + path)
    shown = re.findall(r">&lt;(https?://[^&]*)&gt;<", page)  # an IRI shown as itself, for want of a name
    assert shown == []
    if path.startswith("dataset.fa"):
        for name in ("فارسی", "سیاست به‌روزرسانی", "نمونه‌های سند همکاری", "برچسب‌های دوزبانه: ۱٫۰۰۰۰"):
            assert name in page, name


def _shown_times(page: str) -> list[tuple[str, str]]:
    """The page's <time> elements: (their datetime, their text)."""
    return [
        (m.group(1), html.unescape(m.group(2)))
        for m in re.finditer(r'<time datetime="([^"]+)"[^>]*>([^<]*)</time>', page)
    ]


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("dataset/curation.fa.html", "fa"),
        ("dataset/curation.html", "en"),
        ("ext/prov/endedAtTime.fa.html", "fa"),
        ("dataset?lang=fa", "fa"),
    ],
)
def test_a_date_time_is_shown_in_both_calendars_not_as_written(site, path, lang):
    """The curation's end (prov:endedAtTime, an xsd:dateTime) was shown as «2026-12-06T00:00:00Z» on the Persian
    page too; now as its date in both calendars and its time, the written form kept in <time datetime>."""
    page = fetch(site + path)
    assert not re.search(r">[^<]*[0-9]{4}-[0-9]{2}-[0-9]{2}T[^<]*<", page)  # no dateTime shown as written
    times = _shown_times(page)
    stamps = [(machine, shown) for machine, shown in times if "T" in machine]
    assert stamps or path.startswith("dataset?"), times
    for machine, shown in times:
        expected = format_temporal(machine, "dateTime" if "T" in machine else "date", lang)
        assert shown == expected
        if lang == "fa":
            assert not re.search("[0-9]", shown) and ("ساعت" in shown or "T" not in machine), shown


@pytest.mark.slow
def test_the_static_site_shows_a_date_time_in_both_calendars(built):
    for name, lang in (("dataset/curation.fa.html", "fa"), ("dataset/curation.html", "en")):
        page = (built.folder / "site" / name).read_text(encoding="utf-8")
        (machine, shown), *_ = [t for t in _shown_times(page) if "T" in t[0]]
        assert shown == format_temporal(machine, "dateTime", lang), name


def _visible(page: str) -> str:
    """The page's main text, outside code and outside elements in another language."""
    main = page[page.index("<main") :]
    main = re.sub(r"<(code|script|style)\b.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r'<(span|p|bdi|td)\b[^>]*lang="en"[^>]*>.*?</\1>', " ", main, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("ontology/StateControl.fa.html", ["قیدهای دادهٔ معتبر", "دقیقاً ۱", "هر کنترل دولتی باید دقیقاً یک دولت"]),
        ("ontology/Country.fa.html", ["قیدهای دادهٔ معتبر", "همسایهٔ"]),
        ("ontology/controllingState.fa.html", ["قیدهای دادهٔ معتبر", "کنترل دولتی", "کشور"]),
        ("id/concept/tonne.fa.html", []),
    ],
)
def test_a_reader_s_page_shows_what_the_shapes_ask_not_their_triples(site, path, words):
    """Class pages listed the shapes' blank nodes among the facts that name them («kgsh:StateControlShape ›
    [ sh:class کشور ; sh:maxCount ۱ ; sh:message a state control needs …, هر کنترل … ; sh:path … ]», the English
    message beside the Persian), concept pages «rdf:first» rows of a shape's sh:in list; now a class's or a
    property's page has its constraints as a table in the page's language, and the shapes stay in the RDF."""
    page = fetch(site + path)
    shown = _visible(page)
    assert not re.search(r"\bsh:|rdf:first|rdf:rest|kgsh:\w+ ›", shown), re.findall(
        r".{40}(?:sh:|rdf:first).{40}", shown
    )
    assert not re.search(r"must|needs|point to", shown)  # no English sh:message on the Persian page
    for word in words:
        assert word in shown, word
    assert ('<section class="constraints"' in page) == bool(words)


def test_the_constraints_keep_the_shapes_one_link_away_and_the_rdf_keeps_them_whole(site):
    page = fetch(site + "ontology/StateControl.html")
    section = page[page.index('<section class="constraints"') :]
    section = section[: section.index("</section>")]
    assert 'href="/shapes/StateControlShape.html"' in section and "exactly 1" in section
    request = urllib.request.Request(site + "ontology/Country.ttl", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        turtle = answer.read().decode("utf-8")
    assert "shapes#CountryShape" in turtle or "kgsh:CountryShape" in turtle  # the description still names it


@pytest.mark.parametrize("path", ["q/cq04-statements-by-speaker?lang=fa", "q/cq04-statements-by-speaker?lang=en"])
def test_a_literal_in_a_result_table_says_its_language(site, path):
    """BR: the English gloss column of a Persian question page had only a tooltip (title="@en"), so a screen
    reader read it with the Persian voice (WCAG 3.1.2); each tagged cell now has its lang."""
    page = fetch(site + path)
    tagged = re.findall(r'<td[^>]*title="@([a-zA-Z-]+)"[^>]*>', page)
    assert "en" in tagged and "fa" in tagged
    for cell in re.findall(r'<td[^>]*title="@[a-zA-Z-]+"[^>]*>', page):
        assert re.search(r'title="@([a-zA-Z-]+)".* lang="\1"', cell), cell


@pytest.mark.parametrize(
    ("lang", "said"), [("fa", "پرسشی به نام \u2068nosuch\u2069 نیست."), ("en", "There is no question")]
)
def test_an_unknown_question_is_said_in_the_page_s_language_without_command_line_advice(site, lang, said):
    """BR: /q/nosuch?lang=fa showed «جزئیات فنی (به انگلیسی) unknown query 'nosuch' (`kg queries` lists them)»."""
    request = urllib.request.Request(f"{site}q/nosuch?lang={lang}", headers={"Accept": "text/html"})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=60)
    page = answer.value.read().decode("utf-8")
    assert answer.value.code == 404 and said in html.unescape(page)
    assert "kg queries" not in page and "unknown query" not in page


@pytest.mark.parametrize(
    ("path", "shown", "hidden"),
    [
        ("q/cq15-provenance?lang=fa", "«انعقاد تفاهمنامه", ">span:"),  # a mention: the article's words it marks
        ("q/cq14-as-written-vs-corrected?lang=fa", ">برچسب</a>", ">rdfs:label</a>"),  # a standard term, named
        ("q/cq14-as-written-vs-corrected?lang=en", ">label</a>", ">rdfs:label</a>"),
    ],
)
def test_a_question_s_table_names_what_has_no_label_as_the_entity_pages_do(site, path, shown, hidden):
    """BR: question tables named mentions by id («span:741-802») and a property by its prefixed name
    («rdfs:label» on the Persian page); the entity pages name them (the publication's known names)."""
    page = fetch(site + path)
    assert shown in page and hidden not in page


def test_a_shape_s_own_page_reads_its_rules_above_its_triples(site):
    """A shape's page (the Shape link of a class's constraints) has the same readable table, then its SHACL."""
    page = fetch(site + "shapes/StateControlShape.fa.html")
    constraints, facts = page.index('<section class="constraints"'), page.index('<section class="facts"')
    assert constraints < facts and "هر کنترل دولتی باید دقیقاً یک دولت" in _visible(page[:facts])
    assert "sh:property" in page[facts:]  # the shape's own triples, for researchers
