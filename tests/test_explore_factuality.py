"""How sure each statement is and what it is mainly about, as a reader of the explorer sees it (issue 21).

A statement's panel opens with its certainty and polarity as badges, the hedge words quoted verbatim
with their kind and the clause they govern, its main subject apart from what it only touches, and
whom it cites; the statements table has the same as columns. English and Persian, in Chromium.
"""

from __future__ import annotations

import pytest

from explorer_page import Visit, assert_clean, open_page

pytestmark = pytest.mark.browser

CENTRAL_ASIA = "statement:isna-central-asia"
GREAT_POWERS = "statement:faraji-rad-great-powers"
HOPE = "statement:tokayev-hope"
FIRM = "statement:isna-visit-outcome"


def fact_rows(visit: Visit) -> dict[str, str]:
    """The statement's box as {heading: text}, as the reader sees it (inner text, generated quotes aside)."""
    visit.wait_until("() => document.querySelector('#panel-body .fact-box')")
    return visit.js(
        """() => Object.fromEntries([...document.querySelectorAll('#panel-body .fact-box dt')]
            .map((dt) => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim().replace(/\\s+/g, ' ')]))"""
    )


def test_statements_show_how_sure_in_which_words_and_about_what_then_in_their_table_in_english_and_persian(
    tabs, page_file
):
    """Two scenarios on one page load, each a function below (each a test with a page load of its own before): a
    statement's panel (the page opened on it), then, in English with nothing selected again, the statements table
    chosen among the views (it was opened on that view by the URL, with a filter it then emptied: a shared URL's view
    is restored in tests/test_explore_browser.py)."""
    visit = open_page(tabs, page_file, fragment=f"node={CENTRAL_ASIA}")
    try:
        statements_show_how_sure_in_which_words_and_about_what_in_english_then_persian(visit)
        visit.js("() => { kgExplorer.clearSelection(); kgExplorer.setLang('en'); }")
        visit.page.click("#views button[data-view='table:statement']")
        assert visit.state()["view"] == "table:statement" and visit.state()["selected"] is None
        the_statements_table_gives_certainty_cue_words_and_main_subject_in_both_languages(visit)
    finally:
        visit.close()


def statements_show_how_sure_in_which_words_and_about_what_in_english_then_persian(visit: Visit) -> None:
    """A hedged statement and a firm one in English; the language toggled, a denied claim and a citation."""
    box = visit.page.locator("#panel-body .fact-box")
    assert box.locator("h3").inner_text().lower() == "how sure, and about what"
    # first in the panel after the names and notes: before relations and attributes
    assert visit.js(
        "() => !!(document.querySelector('#panel-body .fact-box').compareDocumentPosition("
        "document.querySelector('#panel-body dl.relations')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert fact_rows(visit) == {
        "How sure": "possible",
        "In the words": "«قطعاً» booster — Iran is aware of Central Asia's importance "
        "«بتواند» ability modal — Kazakhstan can have broad cooperation with Iran",
        "Affirmed or denied": "positive",
        "Time": "non-future",
        "Mainly about": "Central Asia",
        "Also touches": "Iran Kazakhstan",
    }
    cue = visit.page.locator("#panel-body .fact-box .cue").first
    assert (cue.get_attribute("lang"), cue.get_attribute("dir")) == ("fa", "rtl")
    # the attributes do not repeat what the box says
    attributes = visit.page.locator("#panel-body dl.props:not(.relations)").last.inner_text()
    assert "possible" not in attributes and "speech mode" in attributes.lower()
    # the main subject is a node: its button selects it
    box.locator("button.node", has_text="Central Asia").click()
    assert visit.state()["selected"] == "kgi:central-asia"
    visit.screenshot("factuality")
    # a firm statement says it has no hedge words
    visit.js("(id) => kgExplorer.selectNode(id)", FIRM)
    rows = fact_rows(visit)
    assert (rows["How sure"], rows["In the words"]) == ("certain", "no hedge words: stated as fact")
    assert "Also touches" in rows and rows["Mainly about"] != rows["Also touches"]
    # in the Persian UI: a denied claim, and a statement that cites another speaker
    visit.page.click("#lang")
    visit.js("(id) => kgExplorer.selectNode(id)", GREAT_POWERS)
    assert visit.state()["lang"] == "fa"
    assert visit.page.locator("#panel-body .fact-box h3").inner_text() == "چقدر قطعی، و دربارهٔ چه"
    rows = fact_rows(visit)
    assert rows["میزان قطعیت"] == "قطعی"
    assert rows["تأیید یا نفی"] == "منفی"
    assert rows["به این واژه‌ها"].startswith("«نمیدادند» نفی — ")
    assert rows["موضوع اصلی"] == "روسیه"
    negative = visit.page.locator("#panel-body .badge.polarity")
    assert negative.get_attribute("data-term") == "kgc:negative"
    visit.js("(id) => kgExplorer.selectNode(id)", HOPE)
    visit.wait_until("() => document.querySelector('#entity-heading').innerText.startsWith('توکایف')")
    rows = fact_rows(visit)
    assert rows["میزان قطعیت"] == "نامعین" and rows["زمان"] == "آینده"
    assert rows["سخنِ این گوینده را بازمی‌گوید"] == "سید ابراهیم رئیسی"
    assert "«همانگونه که آقای رئیسی بیان کردند»" in rows["به این واژه‌ها"]
    assert "رئیسی" not in rows.get("به این‌ها هم می‌پردازد", "")  # cited, not what it is about
    visit.screenshot("factuality-fa")
    assert_clean(visit)


def the_statements_table_gives_certainty_cue_words_and_main_subject_in_both_languages(visit: Visit) -> None:
    head = visit.page.locator("#table-view table[data-group='statement'] thead th").all_inner_texts()
    assert [h.strip() for h in head[:5]] == [
        "Speaker",
        "Mainly about",
        "How sure",
        "In the words",
        "Affirmed or denied",
    ]
    visit.page.fill("#table-filter", "")
    rows = visit.page.locator("#table-view tbody tr")
    assert rows.count() == 28
    row = visit.page.locator(f"#table-view tbody tr[data-id='{CENTRAL_ASIA}'] td")
    assert [row.nth(i).inner_text().strip() for i in range(1, 5)] == [
        "Central Asia",
        "possible",
        "«قطعاً»\n«بتواند»",
        "positive",
    ]
    # no "given in the article for n of 28" for the cue words: a firm statement has none, and says so
    assert not any("In the words" in c for c in visit.page.locator("#table-view .coverage").all_inner_texts())
    csv = visit.js("() => kgExplorer.tableCsv()").split("\r\n")
    assert csv[0].startswith("id,Speaker,Mainly about,How sure,In the words,Affirmed or denied,")
    assert next(line for line in csv if line.startswith(CENTRAL_ASIA + ",")).startswith(
        f"{CENTRAL_ASIA},Iranian Students' News Agency (ISNA),Central Asia,possible,«قطعاً»; «بتواند»,positive,"
    )
    visit.page.click("#lang")
    visit.wait_until("() => kgExplorer.state().lang === 'fa'")
    head = visit.page.locator("#table-view thead th").all_inner_texts()
    assert [h.strip() for h in head[1:5]] == ["موضوع اصلی", "میزان قطعیت", "به این واژه‌ها", "تأیید یا نفی"]
    assert visit.page.locator(f"#table-view tbody tr[data-id='{CENTRAL_ASIA}'] td").nth(2).inner_text() == "ممکن"
    counts = visit.page.locator("#table-view .table-tools").inner_text()
    assert "۲۸ از ۲۸ سطر" in counts and "28" not in counts  # Persian digits in the Persian UI
    assert_clean(visit)
