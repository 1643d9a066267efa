"""The research site for people, in Debian's Chromium at laptop (1440×900) and phone (390×844, touch) size,
in English and Persian: the reader's language throughout, numbers as people read them, mistakes said in
words, a copy-link button, and no critical or serious axe-core violation on any page.

The session's one ``kg serve`` (conftest.py) and the session's one browser; each case borrows a page of it
(tests/chromium.py).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from chromium import serious_violations

pytestmark = [pytest.mark.server, pytest.mark.browser]

#: The devices of tests/chromium.py, the laptop at 1440 x 900 (a phone: 390 x 844, touch, device scale 3).
SIZES = {"laptop": (1440, 900), "phone": None}
CASES = [(size, lang) for size in SIZES for lang in ("en", "fa")]
IDS = [f"{size}-{lang}" for size, lang in CASES]
LATIN_DIGITS = set("0123456789")


def open_page(tabs: Any, size: str, **options: Any) -> Any:
    """A lent tab's page (its uncaught errors in ``page.errors``); ``page.tab.close()`` gives it back."""
    tab = tabs.lend(size, viewport=SIZES[size], **options)
    page = tab.page
    page.errors, page.tab = tab.errors, tab
    return page


@pytest.mark.parametrize(("size", "lang"), CASES, ids=IDS)
def test_a_question_page_reads_in_its_language_with_numbers_units_and_dates_then_a_mistake_is_said_in_words(
    tabs, site, size, lang
):
    """A question page read as people read it; in Persian the same lent page then goes on to the copy-link button
    of a question with a value (:func:`the_copy_link_button_copies_the_page_with_its_values`, a test with a page of
    its own before); then to a mistake in an ad-hoc query
    (:func:`a_mistake_in_a_query_is_said_in_words_with_the_query_kept_and_the_place_marked`, a test with a page
    of its own for each size and language before)."""
    page = open_page(tabs, size, permissions=["clipboard-read", "clipboard-write"] if lang == "fa" else ())
    try:
        a_question_page_reads_in_its_language_with_numbers_units_and_dates_as_people_read_them(page, site, lang)
        a_mistake_in_a_query_is_said_in_words_with_the_query_kept_and_the_place_marked(page, site, size, lang)
    finally:
        page.tab.close()


def a_question_page_reads_in_its_language_with_numbers_units_and_dates_as_people_read_them(
    page: Any, site: str, lang: str
) -> None:
    page.goto(site + f"q/cq32?lang={lang}")
    page.wait_for_selector("table.result tbody tr")
    seen = page.evaluate(
        """() => ({
          dir: document.documentElement.dir,
          title: document.querySelector('h1 .title').innerText,
          headers: [...document.querySelectorAll('table.result th')].map(th => th.innerText),
          cells: [...document.querySelectorAll('table.result tbody tr')].map(tr =>
            [...tr.querySelectorAll('td')].map(td => td.innerText.replace('◎', '').trim())),
          wrapped: [...document.querySelectorAll('td.number, td.date')].filter(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
          }).length,
          numbers: document.querySelectorAll('td.number').length,
          downloads: [...document.querySelectorAll('.downloads a')].map(a => a.innerText),
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          qid: (() => {  // after the last line of the title: beyond its end, or on a line below it
            const lines = document.querySelector('h1 .title').getClientRects();
            const last = lines[lines.length - 1];
            const q = document.querySelector('h1 .qid').getBoundingClientRect();
            const rtl = document.documentElement.dir === 'rtl';
            const after = rtl ? q.right <= last.left + 1 : q.left >= last.right - 1;
            return after || q.top >= last.bottom - 2; })(),
        })"""
    )
    value = {row[1]: row[2] for row in seen["cells"]}
    if lang == "fa":
        assert seen["dir"] == "rtl" and seen["title"] == "همهٔ ارقام تجاری با سال، یکا، تغییر و جملهٔ منبع"
        assert seen["headers"][:4] == ["رقم", "شاخص", "مقدار", "یکا"]
        assert value["ارزش تجارت"] == "۲۶۵٬۲۰۰٬۰۰۰"
        assert {row[3] for row in seen["cells"]} == {"درصد", "دلار آمریکا", "تن"}
        assert not LATIN_DIGITS & set("".join(row[5] for row in seen["cells"])), "years in Persian digits"
    else:
        assert seen["dir"] == "ltr" and seen["title"].startswith("Every trade figure")
        assert seen["headers"][:4] == ["Figure", "Indicator", "Value", "Unit"]
        assert value["value of trade"] == "265,200,000"
        assert {row[3] for row in seen["cells"]} == {"percent", "US dollar", "tonne"}, "never TNE or USD"
    assert seen["numbers"] >= 6 and seen["wrapped"] == 0, "a number or a date never breaks inside"
    assert all(not text.startswith(".") and not text.endswith(".") for text in seen["downloads"])
    assert seen["qid"], "the question's id stands after its title, never in the middle"
    assert seen["overflow"] <= 0, "the page itself never scrolls sideways (the table does, in its box)"
    assert page.errors == []
    assert serious_violations(page) == []
    if lang == "fa":
        the_copy_link_button_copies_the_page_with_its_values(page, site)


def a_mistake_in_a_query_is_said_in_words_with_the_query_kept_and_the_place_marked(
    page: Any, site: str, size: str, lang: str
) -> None:
    """On the laptop the same lent page then goes on to the other pages axe-core audits
    (:func:`no_page_has_a_critical_or_serious_accessibility_violation`, a test with a page of its own before)."""
    page.goto(site + f"ad-hoc?lang={lang}")
    box = page.locator("textarea#query")
    assert "kg:Agreement" in box.input_value(), "the page opens with an example"
    if size == "laptop":
        assert serious_violations(page) == []  # axe-core found the query box unlabelled
    wrong = "SELECT ?agreement WHERE {\n  ?agreement a kg:Agreement ;\n    foaf:name ?n FILTER(?n != 1 }"
    box.fill(wrong)
    page.locator("form.adhoc button[type=submit]").click()
    page.wait_for_selector(".problem")
    said = page.locator(".problem").inner_text()
    expected = {
        "en": ["The prefix foaf: is not declared", "The parenthesis ( opened at line 3, column 24"],
        "fa": ["پیشوند foaf: تعریف نشده است", "پرانتز ( که در سطر ۳، ستون ۲۴ باز شده است"],
    }[lang]
    for words in expected:
        assert words in said.replace("\u2066", "").replace("\u2069", "")
    assert "GROUP_CONCAT" not in said and "<-e>" not in said
    assert page.locator("textarea#query").input_value() == wrong, "the query stays in its box, editable"
    assert page.locator("ol.listing mark").count() == 3
    assert page.locator("ol.listing li.marked").count() == 1
    assert serious_violations(page) == []
    if size == "laptop":
        no_page_has_a_critical_or_serious_accessibility_violation(page, site, lang)


def the_copy_link_button_copies_the_page_with_its_values(page: Any, site: str) -> None:
    """On a laptop and on a phone (a page lent with the clipboard's permissions)."""
    url = site + "q/cq04?" + urllib.parse.urlencode({"speaker": "kgi:kassym-jomart-tokayev", "lang": "fa"})
    page.goto(url)
    page.get_by_role("button", name="رونوشت پیوند").click()
    page.wait_for_selector(".copy-status:not(:empty)")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.locator(".copy-status").inner_text() == "پیوند این صفحه با مقدارهایش رونوشت شد."
    assert page.errors == []


#: The pages axe-core audits here besides those read above (the question page, and the ad-hoc page before and after a
#: mistake: both sizes, both languages; the empty ad-hoc page on the laptop), on the laptop after the ad-hoc page; the
#: Persian editor, before and after it runs cq01, where test_site_browser.py reads it.
PAGES = {
    "home": "?lang={lang}",
    "error": "q/cq99?lang={lang}",
}


def no_page_has_a_critical_or_serious_accessibility_violation(page: Any, site: str, lang: str) -> None:
    """The pages of :data:`PAGES` (and in English the editor, before and after it runs cq01), in the laptop's page
    that read the ad-hoc page in ``lang`` (a test with a page of its own before). axe-core found 2 critical
    violations in the editor and 1 on the ad-hoc page (the unlabelled query box)."""
    found = {}
    for name, path in PAGES.items():
        page.goto(site + path.format(lang=lang))
        found[name] = serious_violations(page)
    if lang == "en":
        page.goto(site + "editor?q=cq01&lang=en")
        page.wait_for_selector(".CodeMirror")
        found["editor"] = serious_violations(page)
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr tbody tr")
        found["editor with results"] = serious_violations(page)
    assert {name: rules for name, rules in found.items() if rules} == {}
