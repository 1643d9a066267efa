"""The editor page of ``kg serve`` (YASGUI) in Debian's headless Chromium, as a reader on a phone sees it: in the
page's language throughout (its settings dialog, its result counter, its page numbers in the page's digits),
within the screen, and keeping nothing in the browser between visits.

The editor runs cq01 once per language, in one lent phone page (fixture :func:`ran`), and what each step showed is
read there: in Persian the counter, then the results box scrolled to its end, then the settings dialog; in English
a visit that leaves YASGUI's old storage behind, then the editor opened again, cq01 run, its counter, the prefix
completion and what the browser then keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from kg.i18n import digits, text
from kg.sparql.files import find_query

pytestmark = [pytest.mark.server, pytest.mark.browser]

SETTINGS = ("editor_method", "editor_accept", "editor_accept_bindings", "editor_accept_graph", "editor_arguments",
            "editor_headers", "editor_default_graphs", "editor_named_graphs")  # fmt: skip
#: What YASGUI writes in English, none of which a page may show once the editor has named its controls.
YASGUI_ENGLISH = ("Request method", "Accept Headers", "Arguments", "Default Graphs", "Named Graphs", "Showing",
                  "entries", "Ellipse", "Page size", "results in", "Activate to sort")  # fmt: skip


def run_cq01(tab: Any, site: str, lang: str) -> int:
    """The editor opened on cq01 in ``lang`` and run; the rows the query gives."""
    tab.page.goto(site + f"editor?q=cq01&lang={lang}")
    tab.page.wait_for_selector(".CodeMirror")
    tab.page.click(".yasqe_queryButton")
    tab.page.wait_for_selector(".yasr .dt-info")
    return find_query("cq01").expected_path().read_text(encoding="utf-8").count('"agreement":')


def open_settings(tab: Any) -> None:
    tab.page.click(".tabContextButton")
    tab.page.wait_for_selector(".tabMenu.open .textRow input")
    # YASGUI turns the dialog in over half a second: its place is read once it stands still
    tab.page.wait_for_function(
        "() => document.querySelector('.tabMenu.open').getAnimations({ subtree: true }).length === 0"
    )


def shown_text(tab: Any) -> str:
    return tab.page.evaluate("document.getElementById('yasgui').innerText")


@dataclass
class Ran:
    """What the editor on a phone showed once cq01 had run in it: the rows the query gives, the result counter
    (its text and ``lang``), the answer's size-and-time chip, the current page's number, the second column's sort
    announcement, YASGUI's whole text and the page's uncaught errors so far; then what each later step read
    (``steps``: name -> what it read, with the page's uncaught errors by then)."""

    rows: int
    info: str
    info_lang: str | None
    chip: str
    current: str
    sort: str | None
    shown: str
    errors: list[str]
    steps: dict[str, Any] = field(default_factory=dict)


def _read_counter(tab: Any, rows: int) -> Ran:
    page = tab.page
    info = page.locator(".yasr .dt-info")
    return Ran(
        rows,
        info.inner_text(),
        info.get_attribute("lang"),
        page.locator(".yasr_response_chip").inner_text(),
        page.locator(".dt-paging-button.current").inner_text(),
        page.locator(".yasr th[aria-label]").nth(1).get_attribute("aria-label"),
        shown_text(tab),
        list(tab.errors),
    )


def _persian(tab: Any, site: str) -> Ran:
    """cq01 run in Persian: the counter; the results box scrolled to its end; the settings dialog opened."""
    ran = _read_counter(tab, run_cq01(tab, site, "fa"))
    page = tab.page
    box = page.locator(".yasr_results")
    width = page.evaluate("document.documentElement.scrollWidth")
    scrolls = box.evaluate("b => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'auto'")
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    ran.steps["results"] = (width, scrolls, page.locator(".yasr thead th").last.bounding_box())
    open_settings(tab)
    ran.steps["settings"] = {
        "labels": page.evaluate(
            "() => [...document.querySelectorAll('.tabMenu label')].map(l => [l.innerText.trim(), l.lang, l.dir])"
        ),
        "tabs": page.locator(".tabsList .tab span", has_text=text("site", "editor_tab", "fa")).count(),
        "unnamed": page.evaluate(
            "() => [...document.querySelectorAll('.tabMenu input')].filter(i => !i.ariaLabel).length"
        ),
        "remove": page.locator(".tabMenu .removeButton").first.get_attribute("aria-label"),
        "outside": page.evaluate(
            """() => [...document.querySelectorAll('.tabMenu, .tabMenu *')].map(e => e.getBoundingClientRect())
                 .filter(r => r.width && (r.left < -1 || r.right > document.documentElement.clientWidth + 1))
                 .length"""
        ),
        "shown": shown_text(tab),
        "errors": list(tab.errors),
    }
    return ran


def _english(tab: Any, site: str) -> Ran:
    """A visit that leaves what YASGUI kept before in the browser, then cq01 run in English (a new page): the
    counter; then the prefix completion, and what the browser keeps after it."""
    page = tab.page
    # what YASGUI kept before, its prefix completions under its "triply" namespace, in the site's storage (one for
    # every page of the site's origin: written from its home page, not from an editor loaded for it, ~0.3 s of CPU)
    page.goto(site + "?lang=en")
    page.evaluate(
        """() => localStorage.setItem('prefixes',
             JSON.stringify({ namespace: 'triply', val: ['ex: <http://example.org/>'], time: Date.now() / 1000 }))"""
    )
    ran = _read_counter(tab, run_cq01(tab, site, "en"))
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nPREFIX k")  # the prefix completion runs
    page.wait_for_selector(".CodeMirror-hints")
    ran.steps["kept"] = {
        "stored": page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]"),
        "intro": page.locator("p.intro").inner_text(),
        "errors": list(tab.errors),
    }
    return ran


@pytest.fixture(scope="module")
def ran(site, tabs) -> dict[str, Ran]:
    """cq01 run in the editor on a phone in each language (one lent page), and what each step showed."""
    with tabs.open("phone") as tab:
        return {"fa": _persian(tab, site), "en": _english(tab, site)}


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_result_counter_and_page_numbers_are_in_the_page_s_language_and_digits(ran, lang):
    seen = ran[lang]
    count = digits(str(seen.rows), lang)
    assert seen.info == text("site", "editor_info", lang).replace("_START_", digits("1", lang)).replace(
        "_END_", count
    ).replace("_TOTAL_", count)
    assert seen.info_lang == lang
    seconds = r"[۰-۹]+٫[۰-۹]+" if lang == "fa" else r"[0-9]+\.[0-9]+"
    rows_text = text("site", "rows", lang, n=seen.rows)
    assert re.fullmatch(text("site", "editor_rows_in_time", lang, rows=re.escape(rows_text), s=seconds), seen.chip), (
        seen.chip
    )
    assert seen.current == digits("1", lang)
    assert seen.sort.endswith(text("site", "editor_sort", lang))
    assert not [word for word in YASGUI_ENGLISH if word in seen.shown]
    assert seen.errors == []


def test_on_a_persian_phone_the_settings_dialog_is_persian_named_and_within_the_screen(ran):
    dialog = ran["fa"].steps["settings"]
    labels = dialog["labels"]
    assert [label for label, _, _ in labels] == [text("site", key, "fa") for key in SETTINGS]
    assert {(lang, direction) for _, lang, direction in labels} == {("fa", "rtl")}
    assert dialog["tabs"] == 1
    assert dialog["unnamed"] == 0
    assert dialog["remove"] == text("site", "editor_remove", "fa")
    assert dialog["outside"] == 0
    assert not [word for word in YASGUI_ENGLISH if word in dialog["shown"]]
    assert dialog["errors"] == []


def test_the_results_of_a_persian_page_scroll_in_their_own_box_so_every_column_is_reached(ran):
    """In a right-to-left page what overflows the left-to-right editor's right edge is before the page's start,
    where no scrollbar reaches: the results scroll in a box of their own."""
    width, scrolls, last = ran["fa"].steps["results"]
    assert width <= 390
    assert scrolls
    assert last["x"] >= 0 and last["x"] + last["width"] <= 391


def test_the_editor_keeps_nothing_in_the_browser_and_removes_what_an_earlier_page_kept(ran):
    kept = ran["en"].steps["kept"]
    assert kept["stored"] == [0, 0, ""]
    assert "Nothing of it is kept in your browser between visits." in kept["intro"]  # as said
    assert kept["errors"] == []
