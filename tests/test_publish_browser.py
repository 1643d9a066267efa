"""The publication's pages in a real Chromium: no console error, no request off the page, axe-core clean,
and the search box and the question forms' autocomplete as a reader uses them.

The session's one ``kg serve`` (conftest.py) and the session's Chromium (conftest.py). Each page of the lists is
loaded once, in one lent page (:func:`seen`), and what it showed is read by several tests; on two of them a reader
then acts (the search box, a question's form: :data:`ACTIONS`), as the page's last step.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

import pytest

from chromium import serious_violations

pytestmark = [pytest.mark.server, pytest.mark.browser]

#: One page of each kind, both languages: entity, class, property, concept, span, ontology docs, dataset, search, 404.
PAGES = [
    "id/kazakhstan", "ontology/Country", "ontology/locatedIn", "id/concept/tonne", "id/span/67-75",
    "id/statement/tokayev-hope", "ontology", "dataset", "ext/schema/value",
]  # fmt: skip
#: The pages axe-core audits where they are loaded: entity, class, statement, search and question, both languages.
#: The search results are audited on the searches of :func:`_paths` (they had pages of their own, searching for
#: Tokayev), the Persian question on its page with a value and its answer (it had the empty form's page: the English
#: empty form is audited, before a reader fills it, :data:`ACTIONS`).
AXE_PATHS = [
    "id/kazakhstan.html",
    "id/kazakhstan.fa.html",
    "ontology/Country.html",
    "ontology/Country.fa.html",
    "id/statement/tokayev-hope.html",
    "id/statement/tokayev-hope.fa.html",
    "search.html?q=kazakh&lang=en",
    "search.html?q=%D9%82%D8%B2%D8%A7%D9%82&lang=fa",
    "q/cq04-statements-by-speaker?lang=en",
    "q/cq04-statements-by-speaker?speaker=kgi%3Akassym-jomart-tokayev&lang=fa",
]
#: A question's name typed without choosing a suggestion (and the page's language).
TYPED = [("Tokayev", "en"), ("توکایف", "fa")]

#: The size the pages are read at here.
LAPTOP = (1280, 900)


def _typed_path(typed: str, lang: str) -> str:
    return "q/cq04-statements-by-speaker?" + urllib.parse.urlencode({"speaker": typed, "lang": lang})


def _paths() -> list[str]:
    return [
        *[f"{page}{suffix}" for page in PAGES for suffix in (".html", ".fa.html")],
        "search.html?q=kazakh&lang=en",
        "search.html?q=%D9%82%D8%B2%D8%A7%D9%82&lang=fa",
        "id/no-such-thing",
        "q/cq04-statements-by-speaker?speaker=kgi%3Akassym-jomart-tokayev&lang=fa",
    ]


@dataclass
class Seen:
    """What one page showed in the browser: its status, ``<html lang>``, console errors and uncaught errors, the
    requests it made, the value of its ``speaker`` field and the rows of its result table, axe-core's critical
    and serious violations (for the pages of :data:`AXE_PATHS`), and what a reader's action then showed (for the
    pages of :data:`ACTIONS`)."""

    status: int
    lang: str | None
    errors: list[str]
    requests: list[str]
    speaker: str | None
    rows: int
    serious: list[str] | None
    acted: dict[str, Any] | None = None


def _search_in_persian(tab: Any) -> dict[str, Any]:
    """A name typed into the site's search box with the Arabic kaf and yeh, its first suggestion taken by keyboard."""
    page = tab.page
    status = page.locator("#site-search-status")
    before = status.evaluate("e => [e.getAttribute('role'), e.textContent]")  # the live region is there at load
    page.fill("#site-search", "xyzxyz")
    page.wait_for_function("() => document.getElementById('site-search-status').textContent !== ''")
    none = status.evaluate(
        "e => [e.textContent, e.querySelector('bdi')?.textContent, e.getBoundingClientRect().height]"
    )
    page.fill("#site-search", "توكايف")  # Arabic kaf and yeh
    first = page.locator("#site-search-list li").first
    first.wait_for()
    suggested = first.locator("a").text_content()
    after = status.evaluate("e => [e.textContent, e.getBoundingClientRect().height]")  # the count, for readers only
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/kassym-jomart-tokayev.fa.html")
    return {"suggested": suggested, "heading": page.locator("h1").text_content(), "status_at_load": before,
            "none": none, "after": after}  # fmt: skip


def _choose_a_speaker(tab: Any) -> dict[str, Any]:
    """A question's parameter typed by name, a suggestion chosen, the form sent."""
    page = tab.page
    field = page.locator('input[name="speaker"]')
    field.fill("qqqzzz")
    status = page.locator("form.params .search-status")
    status.get_by_text("qqqzzz").wait_for()
    none = status.evaluate("e => [e.getAttribute('role'), e.textContent]")
    field.fill("Tokayev")
    option = page.locator("ul.suggestions li").first
    option.wait_for()
    suggested = option.locator("a").text_content()
    option.locator("a").click()
    value = field.input_value()
    page.click("form.params button[type=submit]")
    page.wait_for_load_state("load")
    return {"suggested": suggested, "value": value, "url": page.url, "none": none,
            "rows": page.locator("table.result tbody tr").count()}  # fmt: skip


#: What a reader does on some of the pages once they are read (and audited), each page's last step.
ACTIONS = {"id/kazakhstan.fa.html": _search_in_persian, "q/cq04-statements-by-speaker?lang=en": _choose_a_speaker}


@pytest.fixture(scope="module")
def seen(site, tabs) -> dict[str, Seen]:
    """Every page of this module's list, each loaded once as a new document in one lent laptop page (its own CSP
    in force), read, audited by axe-core if it is one of :data:`AXE_PATHS`, then acted on if it is one of
    :data:`ACTIONS` (with the console errors and uncaught errors of the action); keyed by path."""
    paths = list(dict.fromkeys([*_paths(), *AXE_PATHS, *(_typed_path(*case) for case in TYPED)]))
    found = {}
    with tabs.open("laptop", viewport=LAPTOP) as tab:
        for path in paths:
            console, errors, requests = len(tab.console), len(tab.errors), len(tab.requests)
            response = tab.page.goto(site + path)
            tab.page.wait_for_load_state("load")
            read = tab.page.evaluate(
                """() => [document.documentElement.getAttribute('lang'),
                          document.querySelector('input[name="speaker"]')?.value ?? null,
                          document.querySelectorAll('table.result tbody tr').length]"""
            )
            said = [text for kind, text in tab.console[console:] if kind == "error"] + tab.errors[errors:]
            audit = serious_violations(tab.page) if path in AXE_PATHS else None
            found[path] = Seen(response.status, read[0], said, tab.requests[requests:], read[1], read[2], audit)
            if path in ACTIONS:
                console, errors = len(tab.console), len(tab.errors)
                found[path].acted = ACTIONS[path](tab)
                found[path].acted["errors"] = [t for k, t in tab.console[console:] if k == "error"] + tab.errors[
                    errors:
                ]
    return found


def _off_site(site: str, requests: list[str]) -> list[str]:
    host = urllib.parse.urlsplit(site).netloc
    return [u for u in requests if urllib.parse.urlsplit(u).netloc != host]


@pytest.mark.slow  # some 30 pages in a browser
def test_every_kind_of_page_in_both_languages_loads_clean_and_stays_on_the_site(site, seen):
    problems = {}
    for path, page in seen.items():
        wanted = "fa" if (".fa.html" in path or "lang=fa" in path) else "en"
        expected = 404 if "no-such-thing" in path else 200
        found = [e for e in page.errors if "404" not in e or expected != 404]
        if page.status != expected or page.lang != wanted or found or _off_site(site, page.requests):
            problems[path] = (page.status, page.lang, found, _off_site(site, page.requests))
    assert problems == {}
    assert set(_paths()) <= seen.keys()


@pytest.mark.parametrize("path", AXE_PATHS)
def test_axe_finds_nothing_critical_or_serious(seen, path):
    assert seen[path].serious == []


def _label(graph: Any, name: str, lang: str) -> str:
    from kg.namespaces import ID, RDFS

    return next(str(o) for o in graph.objects(ID[name], RDFS.label) if o.language == lang)


def test_the_search_box_suggests_in_persian_and_opens_the_page(seen, graph):
    tokayev = _label(graph, "kassym-jomart-tokayev", "fa")
    acted = seen["id/kazakhstan.fa.html"].acted
    assert acted["suggested"] == tokayev
    assert acted["heading"] == tokayev
    assert acted["errors"] == []


def test_the_search_box_says_in_the_page_s_language_when_nothing_matches(seen):
    """It said nothing at all (no option, no status): now, in a live region present from the page's load, that no
    name matches the typed text (isolated), visibly; with suggestions, how many, for screen readers only."""
    acted = seen["id/kazakhstan.fa.html"].acted
    assert acted["status_at_load"] == ["status", ""]
    text, typed, height = acted["none"]
    assert text == "هیچ نامی با «xyzxyz» یافت نشد." and typed == "xyzxyz" and height > 10
    count, height = acted["after"]
    assert re.fullmatch("پیشنهادها: [۱-۹][۰-۹]*", count) and height < 2
    question = seen["q/cq04-statements-by-speaker?lang=en"].acted
    assert question["none"] == ["status", "No name matches “qqqzzz”."]


def test_a_question_takes_an_entity_by_name_and_keeps_its_iri(seen, graph):
    acted = seen["q/cq04-statements-by-speaker?lang=en"].acted
    assert acted["suggested"] == _label(graph, "kassym-jomart-tokayev", "en")
    assert acted["value"] == "kgi:kassym-jomart-tokayev"
    assert "speaker=kgi%3Akassym-jomart-tokayev" in acted["url"]
    assert acted["rows"] > 0


@pytest.mark.parametrize(("typed", "lang"), TYPED)
def test_a_name_typed_without_choosing_is_read_as_its_iri(seen, typed, lang):
    page = seen[_typed_path(typed, lang)]
    assert page.status == 200
    assert page.speaker == "kgi:kassym-jomart-tokayev"
    assert page.rows > 0
