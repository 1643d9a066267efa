"""The research site of ``kg serve`` in Debian's headless Chromium: what a reader sees, and nothing off the machine.

Every request the pages make is logged; any to a host other than 127.0.0.1
fails the test (the session's Chromium runs with background networking off,
see ``conftest.py``).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from chromium import serious_violations
from kg.notebook import explorer
from kg.sparql.files import find_query
from kg.sparql.library import show

pytestmark = [pytest.mark.server, pytest.mark.browser]


@pytest.fixture
def page(tabs) -> Iterator[Any]:
    """A lent page (tests/chromium.py) whose every request is logged in ``page.requests``, with page errors in
    ``page.errors``."""
    with tabs.open(viewport=(1280, 900)) as tab:
        tab.page.requests, tab.page.errors = tab.requests, tab.errors
        yield tab.page


def off_the_machine(urls: list[str]) -> list[str]:
    return [u for u in urls if not u.startswith("data:") and urllib.parse.urlsplit(u).hostname != "127.0.0.1"]


def test_the_question_page_shows_the_labelled_table_right_to_left_and_uncut_and_its_csv_link_the_same_rows(site, page):
    """Then, in the same lent page, :func:`the_csv_link_of_the_question_page_gives_the_same_rows` (a test with a page
    of its own before)."""
    page.goto(site + "q/cq04?speaker=kgi:ebrahim-raisi&lang=fa")
    page.wait_for_selector("table.result tbody tr")
    cells = page.evaluate(
        """() => [...document.querySelectorAll('table.result tbody tr:first-child td')].map(td => ({
            text: td.innerText.replace('◎', '').trim(), direction: getComputedStyle(td).direction,
            cut: td.scrollWidth > td.clientWidth + 1}))"""
    )
    assert [c["text"] for c in cells][:3] == [
        "رئیسی: یکی از اولویت‌های سیاست خارجی، همگرایی منطقه‌ای از راه گسترش تجارت از مسیر ایران است",
        "دیدار رئیسی با توکایف",
        "نقل غیرمستقیم",
    ]
    assert [c["direction"] for c in cells] == ["rtl", "rtl", "rtl", "rtl", "ltr", "ltr"]
    assert [c["cut"] for c in cells] == [False] * 6
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.errors == []
    assert off_the_machine(page.requests) == []
    the_csv_link_of_the_question_page_gives_the_same_rows(site, page)


def the_csv_link_of_the_question_page_gives_the_same_rows(site: str, page: Any) -> None:
    page.goto(site + "q/cq01")
    page.wait_for_selector("table.result tbody tr")
    shown = page.evaluate("document.querySelectorAll('table.result tbody tr').length")
    link = page.get_attribute("a[href*='.csv']", "href")
    csv_text = page.evaluate("href => fetch(href).then(r => r.text())", link)
    expected = find_query("cq01").expected_path().read_text(encoding="utf-8")
    assert link == "/q/cq01-agreements-and-parties.csv"
    assert csv_text.splitlines()[0] == "agreement,agreementLabel,kindLabel,party,partyLabel,countryLabel"
    assert len(csv_text.splitlines()) - 1 == shown == expected.count('"agreement":')
    assert off_the_machine(page.requests) == []


def test_the_editor_loads_the_query_with_the_prefixes_and_runs_it_without_leaving_the_machine(site, page):
    """Also audited by axe-core before and after it runs (test_site_people.py audits the English editor)."""
    page.goto(site + "editor?q=cq01&lang=fa")
    page.wait_for_selector(".CodeMirror")
    audited = {"editor": serious_violations(page)}
    text = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert text == show("cq01-agreements-and-parties", {"lang": "fa"})  # the file, standalone, as kg query --show
    assert "PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>" in text.splitlines()
    assert 'VALUES ?lang { "fa" }' in text
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr td >> text=وزارت جهاد کشاورزی ایران")
    audited["editor with results"] = serious_violations(page)
    assert {name: rules for name, rules in audited.items() if rules} == {}
    # YASGUI's own controls named in the page's language (its settings and counter: test_site_editor_browser.py)
    named = page.evaluate(
        """() => Object.fromEntries([
            ['run', '.yasqe_queryButton', 'aria-label'], ['share', '.yasqe_share', 'title'],
            ['table', '.yasr_btn.select_table', 'aria-label'], ['filter', 'input.tableFilter', 'placeholder'],
            ['close', '.closeTab', 'title'], ['next', '.dt-paging-button.next', 'aria-label'],
        ].map(([k, s, a]) => [k, document.querySelector(s) && document.querySelector(s).getAttribute(a)]))"""
    )
    assert named == {"run": "اجرای پرس‌وجو", "share": "هم‌رسانی پرس‌وجو", "table": "نمایش نتیجه به‌صورت جدول",
                     "filter": "پالایش نتایج", "close": "بستن زبانه", "next": "پسین"}  # fmt: skip
    assert page.locator(".yasr_btn.select_table span").first.text_content() == "جدول"
    assert page.errors == []
    assert [u for u in page.requests if "prefix.cc" in u] == []
    assert off_the_machine(page.requests) == []
    assert site + "prefixes.json" in page.requests  # the completion's prefixes come from the site itself


def test_the_explorer_runs_inside_a_notebook_frame_without_requests(page):
    shown = explorer(lang="fa")._repr_html_()
    page.set_content(f"<!DOCTYPE html><html><body><h1>notebook</h1>{shown}</body></html>")
    frame = page.frame_locator("iframe")
    frame.locator("canvas").first.wait_for()
    assert frame.locator("html").get_attribute("lang") == "fa"
    assert page.errors == []
    assert [u for u in page.requests if not u.startswith(("data:", "about:"))] == []
