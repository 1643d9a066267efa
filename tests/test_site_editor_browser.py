"""The editor page of ``kg serve`` (YASGUI) in Debian's headless Chromium, as a reader on a phone sees it: in the
page's language throughout (its settings dialog, its result counter, its page numbers in the page's digits),
within the screen, and keeping nothing in the browser between visits."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


@pytest.fixture
def phone(tabs) -> Iterator[Any]:
    with tabs.open("phone") as tab:
        yield tab


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


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_result_counter_and_page_numbers_are_in_the_page_s_language_and_digits(site, phone, lang):
    rows = run_cq01(phone, site, lang)
    page = phone.page
    count = digits(str(rows), lang)
    info = page.locator(".yasr .dt-info")
    assert info.inner_text() == text("site", "editor_info", lang).replace("_START_", digits("1", lang)).replace(
        "_END_", count
    ).replace("_TOTAL_", count)
    assert info.get_attribute("lang") == lang
    chip = page.locator(".yasr_response_chip").inner_text()
    seconds = r"[۰-۹]+٫[۰-۹]+" if lang == "fa" else r"[0-9]+\.[0-9]+"
    rows_text = text("site", "rows", lang, n=rows)
    assert re.fullmatch(text("site", "editor_rows_in_time", lang, rows=re.escape(rows_text), s=seconds), chip), chip
    assert page.locator(".dt-paging-button.current").inner_text() == digits("1", lang)
    sort = page.locator(".yasr th[aria-label]").nth(1).get_attribute("aria-label")
    assert sort.endswith(text("site", "editor_sort", lang))
    assert not [word for word in YASGUI_ENGLISH if word in shown_text(phone)]
    assert phone.errors == []


def test_on_a_persian_phone_the_settings_dialog_is_persian_named_and_within_the_screen(site, phone):
    run_cq01(phone, site, "fa")
    open_settings(phone)
    page = phone.page
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.tabMenu label')].map(l => [l.innerText.trim(), l.lang, l.dir])"
    )
    assert [label for label, _, _ in labels] == [text("site", key, "fa") for key in SETTINGS]
    assert {(lang, direction) for _, lang, direction in labels} == {("fa", "rtl")}
    assert page.locator(".tabsList .tab span", has_text=text("site", "editor_tab", "fa")).count() == 1
    unnamed = page.evaluate("() => [...document.querySelectorAll('.tabMenu input')].filter(i => !i.ariaLabel).length")
    assert unnamed == 0
    assert page.locator(".tabMenu .removeButton").first.get_attribute("aria-label") == text(
        "site", "editor_remove", "fa"
    )
    outside = page.evaluate(
        """() => [...document.querySelectorAll('.tabMenu, .tabMenu *')].map(e => e.getBoundingClientRect())
             .filter(r => r.width && (r.left < -1 || r.right > document.documentElement.clientWidth + 1)).length"""
    )
    assert outside == 0
    assert not [word for word in YASGUI_ENGLISH if word in shown_text(phone)]
    assert phone.errors == []


def test_the_results_of_a_persian_page_scroll_in_their_own_box_so_every_column_is_reached(site, phone):
    """In a right-to-left page what overflows the left-to-right editor's right edge is before the page's start,
    where no scrollbar reaches: the results scroll in a box of their own."""
    run_cq01(phone, site, "fa")
    page = phone.page
    box = page.locator(".yasr_results")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert box.evaluate("b => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'auto'")
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    last = page.locator(".yasr thead th").last.bounding_box()
    assert last["x"] >= 0 and last["x"] + last["width"] <= 391


def test_the_editor_keeps_nothing_in_the_browser_and_removes_what_an_earlier_page_kept(site, phone):
    page = phone.page
    page.goto(site + "editor?lang=en")
    page.wait_for_selector(".CodeMirror")
    # what YASGUI kept before: its prefix completions, under its "triply" namespace
    page.evaluate(
        """() => localStorage.setItem('prefixes',
             JSON.stringify({ namespace: 'triply', val: ['ex: <http://example.org/>'], time: Date.now() / 1000 }))"""
    )
    run_cq01(phone, site, "en")
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nPREFIX k")  # the prefix completion runs
    page.wait_for_selector(".CodeMirror-hints")
    stored = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert stored == [0, 0, ""]
    assert "Nothing of it is kept in your browser between visits." in page.locator("p.intro").inner_text()  # as said
    assert phone.errors == []
