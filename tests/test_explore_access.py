"""The explorer for people (issue 20): on a phone (390 x 844, touch, device scale 3), by keyboard, with a
screen reader (axe-core), in both languages; numbers and dates as readers write them.

The agreements task ("which agreements, between whom, who signed") is done here with real taps and
counted; benchmarks/bench_explore_tasks.py times it.
"""

from __future__ import annotations

import pytest

from chromium import violations
from explorer_page import PHONE, Visit, assert_clean, open_page
from kg.project import load_projection

pytestmark = pytest.mark.browser

TOKAYEV = "kgi:kassym-jomart-tokayev"
RAIL_MOU = "agreement:rail-cooperation-mou-2022"

#: Interactive elements a finger or a keyboard reaches (a slip marked inside a quoted sentence is text).
TARGETS = "button, a[href], input:not([type=checkbox]), select, summary, [role=option], #legend label, label.option"

#: The visible targets smaller than 44 x 44 CSS px, as [selector-ish description, width, height].
SMALL_TARGETS = f"""() => [...document.querySelectorAll({TARGETS!r})]
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[hidden]'))
  .filter((e) => !e.closest('blockquote, #article-text, .visually-hidden, .skip'))
  .map((e) => [e.tagName + '#' + e.id + '.' + e.className + ' ' + e.textContent.trim().slice(0, 30),
               Math.round(e.getBoundingClientRect().width), Math.round(e.getBoundingClientRect().height)])
  .filter(([, w, h]) => w < 44 || h < 44)"""


def tap(visit: Visit, selector: str, phone: bool = True) -> None:
    """A finger's tap (or on a laptop a click) on the element, scrolled into view first as a reader would (Playwright's
    tap and click scroll it into view when it is not)."""
    target = visit.page.locator(selector).first
    target.tap() if phone else target.click()


#: For each row of the table shown: its node, the label of its third cell, the nodes of that cell's buttons, and
#: what a tap at the centre of the cell's first button would reach (the button itself, or the tag and id of the top
#: element there), the button scrolled to the middle of the screen first. One call for the whole table.
ROWS = """() => [...document.querySelectorAll('#table-view tbody tr')].map((row) => {
  const cell = row.querySelectorAll('td')[2];
  const buttons = [...cell.querySelectorAll('button.node')];
  buttons[0].scrollIntoView({block: 'center'});
  const r = buttons[0].getBoundingClientRect();
  const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return [row.dataset.id, cell.dataset.label, buttons.map((b) => b.dataset.id),
          buttons[0].contains(top) ? 'itself' : top.tagName + '#' + top.id];
})"""


def in_viewport(visit: Visit, selector: str) -> bool:
    return visit.js(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; }""",
        selector,
    )


def assert_targets_fit(visit: Visit) -> None:
    """Every touch target on a phone at least 44 x 44 CSS px, and nothing wider than the screen."""
    assert visit.js(SMALL_TARGETS) == []
    assert visit.js("() => document.scrollingElement.scrollWidth") <= PHONE[0]


# --------------------------------------------------------------------------- the phone


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "laptop"])
def test_which_agreements_between_whom_who_signed_in_two_taps_in_either_language_axe_on_every_view(
    tabs, page_file, phone
):
    """The agreements task on each device, in English on the page as it opens (``#lang=en``), then in Persian on
    the same page put back to its first view (what ``#lang=fa`` opens), each step of a test of its own before,
    with a page load of its own:

    - on the phone first, the first view fitted to it and its details as a bottom sheet; on the laptop first, by
      keyboard, the skip link to a node's details and the copy-link button
      (:func:`the_skip_link_leads_to_the_details_and_the_copy_link_button_copies_the_url_of_this_view`, a test with
      a page load of its own before), then the page put back to its English first view;
    - the task in English (:func:`which_agreements_between_whom_who_signed_in_two_taps`);
    - the axe-core audits of every view in either language (:func:`axe_finds_no_violation_in_either_language`);
    - the task in Persian;
    - on the laptop then, back to the English first view for the search box and the list of nodes
      (:func:`search_announces_its_options_and_the_graph_nodes_are_a_list_a_keyboard_can_walk`), then the
      figures' table for numbers, dates and fields
      (:func:`numbers_grouped_dates_kept_whole_and_empty_fields_hinted_in_the_uis_direction`).
    """
    projection = load_projection()
    visit = open_page(tabs, page_file, fragment="lang=en", viewport=(1440, 900), phone=phone)
    try:
        if phone:
            the_first_view_on_a_phone_is_fitted_and_the_details_are_a_bottom_sheet(visit)
        else:
            the_skip_link_leads_to_the_details_and_the_copy_link_button_copies_the_url_of_this_view(visit)
            back_to_the_first_view(visit, "en", phone)
        which_agreements_between_whom_who_signed_in_two_taps(visit, projection, "en", "Agreement (8)", "Parties", phone)
        axe_finds_no_violation_in_either_language(visit)
        back_to_the_first_view(visit, "fa", phone)
        which_agreements_between_whom_who_signed_in_two_taps(visit, projection, "fa", "سند همکاری (۸)", "طرف‌ها", phone)
        if not phone:
            back_to_the_first_view(visit, "en", phone)
            search_announces_its_options_and_the_graph_nodes_are_a_list_a_keyboard_can_walk(visit)
            visit.page.fill("#search", "")  # the fields empty, as the page opened
            visit.js("() => { kgExplorer.clearSelection(); kgExplorer.setView('table:figure'); }")
            numbers_grouped_dates_kept_whole_and_empty_fields_hinted_in_the_uis_direction(visit)
            assert_clean(visit)
    finally:
        visit.close()


def back_to_the_first_view(visit: Visit, lang: str, phone: bool) -> None:
    """The network's first view in ``lang`` without a selection, as a page opened with ``#lang=`` ``lang`` shows it
    (Reset: the first view)."""
    visit.js(f"() => {{ kgExplorer.clearSelection(); kgExplorer.setView('network'); kgExplorer.setLang('{lang}'); }}")
    tap(visit, "#reset", phone)
    assert visit.state()["lang"] == lang and visit.state()["selected"] is None


def which_agreements_between_whom_who_signed_in_two_taps(
    visit: Visit, projection, lang: str, title: str, parties: str, phone: bool
) -> None:
    """From the network's first view without a selection: the agreements' tab, then a signatory, in two taps."""
    if phone:
        assert_targets_fit(visit)  # the first view
    taps = 0
    tab = "#views button[data-view='table:agreement']"
    assert visit.page.locator(tab).inner_text() == title and in_viewport(visit, tab)  # seen without scrolling
    tap(visit, tab, phone)
    taps += 1
    if phone:
        assert_targets_fit(visit)  # the agreements table, as cards
    # which agreements, between whom: every agreement a card with its parties and countries, no canvas over it
    rows = visit.js(ROWS)
    assert len(rows) == 8
    assert visit.js("() => getComputedStyle(document.getElementById('graph')).visibility") == "hidden"
    for node, label, shown, reached in rows:
        assert label == parties
        assert set(shown) == {v for _, v, p in projection.out_edges(node, data="prop") if p == "kg:party"}
        assert reached == "itself", node
    # who signed: the one agreement whose signatory the article names, and the note saying so
    signed = [n for n in projection if n.startswith("agreement:") and any(
        p == "kg:signatory" for _, _, p in projection.out_edges(n, data="prop"))]  # fmt: skip
    signers = sorted(v for _, v, p in projection.out_edges(signed[0], data="prop") if p == "kg:signatory")
    cell = f"#table-view tr[data-id='{signed[0]}'] td:nth-child(5)"
    shown = visit.page.locator(f"{cell} button.node").evaluate_all("(bs) => bs.map((b) => b.dataset.id)")
    assert sorted(shown) == signers
    assert (
        visit.page.locator("#table-view .coverage")
        .first.inner_text()
        .startswith(
            "Signatories: given in the article for 1 of the 8"
            if lang == "en"
            else "امضاکنندگان: در متن خبر برای ۱ سند از ۸ سند"
        )
    )
    # a tap on a signatory opens their details in the bottom sheet, the heading on screen
    tap(visit, f"{cell} button.node[data-id='{signers[0]}']", phone)
    taps += 1
    assert visit.state()["selected"] == signers[0]
    assert visit.page.locator("#entity-heading").inner_text() == projection.nodes[signers[0]][f"label_{lang}"]
    assert in_viewport(visit, "#entity-heading")
    assert taps <= 3
    visit.screenshot(f"{'phone' if phone else 'laptop'}-agreements-{lang}")
    assert visit.js("() => document.scrollingElement.scrollWidth") <= (PHONE[0] if phone else 1440)
    if phone:
        assert_targets_fit(visit)  # the table with a node's details open
        # the network with Tokayev's details open in the bottom sheet
        tap(visit, "#views button[data-view='network']")
        visit.js("(id) => kgExplorer.selectNode(id)", TOKAYEV)
        assert visit.state()["view"] == "network" and visit.state()["selected"] == TOKAYEV
        assert_targets_fit(visit)
    assert_clean(visit)


def the_first_view_on_a_phone_is_fitted_and_the_details_are_a_bottom_sheet(phone: Visit) -> None:
    """On a page as it opened: every node of the first view on screen, the graph above the sheet, the sheet a
    closed bar that a selection opens and its handle closes; Escape clears the selection and closes it."""
    inside = phone.js(
        """() => { const b = document.getElementById('graph').getBoundingClientRect();
                   const ids = Object.keys(JSON.parse(document.getElementById('kg-data').textContent).overview);
                   return ids.map((id) => { const p = kgExplorer.domPosition(id);
                                            return p.x >= 0 && p.y >= 0 && p.x <= b.width && p.y <= b.height; }); }"""
    )
    assert inside and all(inside)  # every node of the first view on screen
    stage = phone.page.locator("#stage").bounding_box()
    assert stage["y"] + stage["height"] <= PHONE[1]  # the graph fits under the header, above the sheet
    sheet = phone.page.locator("#panel").bounding_box()
    assert sheet["y"] + sheet["height"] == pytest.approx(PHONE[1], abs=1) and sheet["height"] <= 60  # a bar, closed
    assert phone.js("() => document.body.classList.contains('sheet-open')") is False
    phone.js("(id) => kgExplorer.selectNode(id)", TOKAYEV)  # as a tap on the canvas or the search does
    assert phone.js("() => document.body.classList.contains('sheet-open')") is True
    assert in_viewport(phone, "#entity-heading")
    tap(phone, "#sheet-toggle")  # the handle closes it; the selection stays
    assert phone.js("() => document.body.classList.contains('sheet-open')") is False
    assert phone.state()["selected"] == TOKAYEV
    tap(phone, "#sheet-toggle")
    assert in_viewport(phone, "#entity-heading")
    phone.page.keyboard.press("Escape")
    assert phone.state()["selected"] is None
    assert phone.js("() => document.body.classList.contains('sheet-open')") is False
    assert_clean(phone)


# --------------------------------------------------------------------------- keyboard


def the_skip_link_leads_to_the_details_and_the_copy_link_button_copies_the_url_of_this_view(visit: Visit) -> None:
    """On a laptop's page as it opened (the focus at its start), a node selected."""
    visit.js("(id) => kgExplorer.selectNode(id)", TOKAYEV)  # as a click on the canvas does; the focus stays
    # the skip link: the first stop, shown when focused, to the details without changing the URL's state
    hash_before = visit.js("() => location.hash")
    assert f"node={TOKAYEV.replace(':', '%3A')}" in hash_before
    visit.page.keyboard.press("Tab")
    assert visit.js("() => document.activeElement.className") == "skip"
    assert visit.page.locator("a.skip").inner_text() == "Skip to the details"
    assert visit.page.locator("a.skip").bounding_box()["y"] >= 0  # shown when focused
    visit.page.keyboard.press("Enter")
    assert visit.js("() => document.activeElement.id") == "panel-body"
    assert visit.js("() => location.hash") == hash_before  # the state in the URL is kept
    visit.page.keyboard.press("Tab")
    assert visit.js("() => document.activeElement.closest('#panel-body') !== null")
    # the copy link button, in the Persian UI: the URL of this view, and a message saying so
    visit.page.click("#lang")
    visit.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    # Every text #status shows, recorded as it is set: the page clears it after 2.5 s, which a loaded
    # machine can pass before the test reads it.
    visit.js(
        """() => { window.said = [];
                   new MutationObserver(() => window.said.push(document.getElementById('status').textContent))
                     .observe(document.getElementById('status'), {childList: true, characterData: true,
                                                                  subtree: true}); }"""
    )
    visit.page.click("#copy-link")
    assert visit.wait_until("() => window.said.length && window.said")[0] == "پیوند رونوشت شد"
    copied = visit.js("() => navigator.clipboard.readText()")
    assert copied == visit.js("() => location.href") and f"node={TOKAYEV.replace(':', '%3A')}" in copied
    assert "lang=fa" in copied
    assert_clean(visit)


def search_announces_its_options_and_the_graph_nodes_are_a_list_a_keyboard_can_walk(visit: Visit) -> None:
    # the search box announces its options; Escape clears a selection made from it
    search = visit.page.locator("#search")
    search.click()
    visit.page.keyboard.type("Tokayev")
    assert search.get_attribute("role") == "combobox" and search.get_attribute("aria-expanded") == "true"
    active = search.get_attribute("aria-activedescendant")
    assert visit.page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    visit.page.keyboard.press("ArrowDown")
    moved = search.get_attribute("aria-activedescendant")
    assert moved != active and visit.page.locator(f"#{moved}").get_attribute("aria-selected") == "true"
    visit.page.keyboard.press("ArrowUp")
    visit.page.keyboard.press("Enter")
    assert visit.state()["selected"] == TOKAYEV
    assert search.get_attribute("aria-expanded") == "false"
    assert visit.js("() => document.activeElement.id") == "search"  # the focus stays in the box
    visit.page.keyboard.press("Escape")
    assert visit.state()["selected"] is None
    assert "node=" not in visit.js("() => location.hash")
    # the nodes drawn are a list of buttons a keyboard can walk, following the view
    drawn = visit.js("() => kgExplorer.drawn()")["nodes"]
    assert visit.page.locator("#node-list-count").inner_text() == f"({drawn})"
    visit.page.locator("#node-list-box summary").focus()
    visit.page.keyboard.press("Enter")  # opens the list
    buttons = visit.page.locator("#node-list button.node")
    buttons.first.wait_for()  # the list is built when it opens (its toggle event)
    assert buttons.count() == drawn
    visit.page.keyboard.press("Tab")
    focused = visit.js("() => document.activeElement.dataset.id")
    assert focused == buttons.nth(0).get_attribute("data-id")
    visit.page.keyboard.press("Enter")
    assert visit.state()["selected"] == focused
    assert buttons.count() == visit.js("() => kgExplorer.drawn()")["nodes"]  # the list follows the view
    visit.page.keyboard.press("Escape")
    visit.page.click("#all-classes")
    assert buttons.count() == visit.js("() => kgExplorer.drawn()")["nodes"] > drawn


# --------------------------------------------------------------------------- axe-core


def axe_finds_no_violation_in_either_language(visit: Visit) -> None:
    """Every view in English, then (the language toggled) in Persian: the network, then with a node's details
    open (they stay open in every later view) a table, the questions with one answer open, the timeline. Starts
    from the English network without a selection (where the agreements task left the page, it goes back)."""
    assert visit.state()["lang"] == "en"
    found = {}
    for lang in ("en", "fa"):
        # back to the network without a selection (in Persian the second time)
        visit.js(
            f"() => {{ kgExplorer.clearSelection(); kgExplorer.setView('network'); kgExplorer.setLang('{lang}'); }}"
        )
        agreements = "kgExplorer.setView('table:agreement');"
        for view, action in [
            ("network", None),
            ("node and table", f"() => {{ kgExplorer.selectNode('{TOKAYEV}'); {agreements} }}"),
            ("questions", "() => kgExplorer.setView('questions')"),
            ("timeline", "() => kgExplorer.setView('timeline')"),
        ]:
            if action:
                visit.js(action)
            if view != "network":
                assert visit.state()["selected"] == TOKAYEV  # the details in the panel (a phone's bottom sheet)
            if view == "questions":  # an answer is built when its question opens
                visit.js("() => { document.querySelector('details.question').open = true; }")
                visit.page.locator("details.question[open] tbody tr").first.wait_for()
            # none of any impact (the issue asks for no critical or serious one)
            found[f"{lang} {view}"] = violations(visit.page)
    assert visit.state()["lang"] == "fa"
    assert found == {view: [] for view in found}, found


# --------------------------------------------------------------------------- numbers, dates, fields


def numbers_grouped_dates_kept_whole_and_empty_fields_hinted_in_the_uis_direction(visit: Visit) -> None:
    """On the figures' table in English (a page opened as ``#lang=en&view=table:figure`` shows it)."""
    values = visit.page.locator("#table-view td:nth-child(2) .value").all_inner_texts()
    assert "265,200,000" in values or any("," in v for v in values), values
    assert_fields_follow_the_ui(visit, "ltr", "ایران")
    visit.page.click("#lang")
    values = visit.page.locator("#table-view td:nth-child(2) .value").all_inner_texts()
    assert values and all(not any(c in v for c in "0123456789") for v in values), values  # Persian digits
    assert any("٬" in v for v in values), values
    assert_fields_follow_the_ui(visit, "rtl", "Iran")
    csv = visit.js("() => kgExplorer.tableCsv()")
    assert "265200000" in csv or all("٬" not in line for line in csv.splitlines())  # the CSV keeps raw values
    visit.js("() => kgExplorer.setView('timeline')")
    dates = visit.page.locator("ol.timeline .when .value").evaluate_all(
        "(ds) => ds.slice(0, 6).map((e) => [getComputedStyle(e).whiteSpace,"
        " [...e.getClientRects()].map((r) => Math.round(r.top))])"
    )
    assert dates
    for white_space, tops in dates:
        assert white_space == "nowrap"
        assert len(set(tops)) == 1, tops  # on one line: not broken inside


def assert_fields_follow_the_ui(visit: Visit, direction: str, other: str) -> None:
    """The empty search and table filter show their hint in the UI's direction; text typed in the other
    script (``other``) finds its own; the filter is left empty."""
    for field in ("#search", "#table-filter"):
        assert visit.page.locator(field).evaluate("(e) => getComputedStyle(e).direction") == direction
    visit.page.fill("#table-filter", other)
    assert visit.page.locator("#table-filter").evaluate("(e) => getComputedStyle(e).direction") == (
        "ltr" if direction == "rtl" else "rtl"
    )
    visit.page.fill("#table-filter", "")
