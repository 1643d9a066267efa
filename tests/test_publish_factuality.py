"""How sure each statement is and what it is mainly about, on the publication's pages (issue 21).

A statement's page opens with its certainty, the hedge words quoted with their kind and scope, its
polarity and time, its main subject apart from what it only touches, and whom it cites; an entity's
page lists the statements mainly about it apart from those that only touch it, each with how sure it
is. The same renderer writes kg serve's pages and kg publish's static files: both are read here as
text, in English and Persian (Persian digits), and one of each in Chromium through kg serve.
"""

from __future__ import annotations

import html.parser
from typing import Any

import pytest

from kg.namespaces import BASE
from kg.publish.description import load_publication
from kg.publish.pages import Renderer

STATEMENT = BASE + "id/statement/"


class _Text(html.parser.HTMLParser):
    """The text of the element with ``class`` (its first one), with a line break after each row and item."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.depth, self.parts = wanted, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in ("br", "img", "input", "meta", "link")
        elif (dict(attrs).get("class") or "").split()[:1] == [self.wanted]:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag in ("dd", "li", "tr", "h2", "h3", "dt"):
                self.parts.append("\n")
            elif tag in ("td", "th"):
                self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def section(page: str, name: str) -> list[str]:
    """The lines a reader sees in the page's section of class ``name`` (whitespace folded)."""
    reader = _Text(name)
    reader.feed(page)
    return [" ".join(line.split()) for line in "".join(reader.parts).split("\n") if line.strip()]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(load_publication())


def test_a_statement_page_opens_with_how_sure_it_is_and_what_it_is_mainly_about(renderer):
    page = renderer.resource_page(STATEMENT + "isna-central-asia", "en")
    assert section(page, "factuality") == [
        "How sure, and about what",
        "How sure",
        "possible",
        "In the words",
        "«قطعاً» booster — Iran is aware of Central Asia's importance",
        "«بتواند» ability modal — Kazakhstan can have broad cooperation with Iran",
        "Affirmed or denied",
        "positive",
        "Time",
        "non-future",
        "Mainly about",
        "Central Asia",
        "Also touches",
        "Iran, Kazakhstan",
    ]
    assert page.index('class="factuality"') < page.index('class="facts"')  # before the table of every fact
    assert (
        '<a class="badge certainty" data-term="kgc:presented-as-possible" href="/id/concept/presented-as-possible.html"'
        in page
    )
    assert '<bdi class="cue" lang="fa" dir="rtl">«قطعاً»</bdi>' in page


def test_the_persian_page_is_persian_throughout_and_names_whom_the_statement_cites(renderer):
    page = renderer.resource_page(STATEMENT + "tokayev-hope", "fa")
    lines = section(page, "factuality")
    assert lines[:3] == ["چقدر قطعی، و دربارهٔ چه", "میزان قطعیت", "نامعین"]
    assert "«امیدوارم» آرزو — این پروژه بند به بند و به‌طور کامل اجرا شود" in lines
    assert lines[lines.index("زمان") + 1] == "آینده"
    assert lines[lines.index("سخنِ این گوینده را بازمی‌گوید") + 1] == "سید ابراهیم رئیسی"
    assert "به این‌ها هم می‌پردازد" not in lines  # about the rail route only; Raisi is cited, not touched


def test_a_denied_claim_and_a_firm_one_say_so(renderer):
    denied = section(renderer.resource_page(STATEMENT + "faraji-rad-great-powers", "en"), "factuality")
    assert denied[denied.index("Affirmed or denied") + 1] == "negative"
    firm = section(renderer.resource_page(STATEMENT + "isna-visit-outcome", "en"), "factuality")
    assert firm[1:5] == ["How sure", "certain", "In the words", "no hedge words: stated as fact"]


def test_an_entity_page_lists_the_statements_mainly_about_it_apart_from_those_touching_it(renderer):
    page = renderer.resource_page(BASE + "id/kazakhstan", "en")
    lines = section(page, "statements")
    assert lines[:2] == ["What the article's statements say of it", "Mainly about it (2)"]
    assert "Touching it (7)" in lines
    main = lines[2 : lines.index("Touching it (7)")]
    assert main[0] == "Statement How sure In the words"
    assert any(line.endswith("probable «باید» «به نظر میرسد»") for line in main)  # the hedges, verbatim
    assert not any("ISNA: Central Asia matters" in line for line in main)  # it only touches Kazakhstan
    assert any(
        line.startswith("ISNA: Central Asia matters") and line.endswith("possible «قطعاً» «بتواند»")
        for line in lines[lines.index("Touching it (7)") :]
    )
    named_by = section(page, "named-by")
    assert not any(line.startswith(("about", "main entity")) for line in named_by)  # not listed twice
    persian = section(renderer.resource_page(BASE + "id/kazakhstan", "fa"), "statements")
    assert persian[:2] == ["آنچه گفته‌های خبر دربارهٔ آن می‌گویند", "موضوع اصلی‌شان این است (۲)"]
    assert "به آن هم می‌پردازند (۷)" in persian


def test_the_static_publication_shows_the_same_with_relative_links():
    static = Renderer(load_publication(), root="../../", static=True)
    page = static.resource_page(STATEMENT + "isna-central-asia", "fa")
    lines = section(page, "factuality")
    assert lines[:3] == ["چقدر قطعی، و دربارهٔ چه", "میزان قطعیت", "ممکن"]
    assert 'href="../../id/concept/presented-as-possible.fa.html"' in page
    assert 'href="../../id/central-asia.fa.html"' in page


@pytest.mark.server
@pytest.mark.browser
def test_a_reader_sees_it_in_chromium_on_kg_serve(site: str, tabs: Any):
    with tabs.open(viewport=(1280, 900)) as tab:
        page = tab.page
        page.goto(f"{site}id/statement/isna-central-asia.fa.html")
        box = page.locator("section.factuality")
        assert box.locator("h2").inner_text() == "چقدر قطعی، و دربارهٔ چه"
        assert box.locator("a.badge.certainty").inner_text() == "ممکن"
        assert box.locator(".cue").all_inner_texts() == ["«قطعاً»", "«بتواند»"]
        assert (
            page.evaluate("() => getComputedStyle(document.querySelector('a.badge.certainty')).borderRadius") != "0px"
        )
        box.locator("a", has_text="آسیای مرکزی").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/id/central-asia.fa.html")
        statements = page.locator("section.statements")
        assert statements.locator("h3").first.inner_text().startswith("موضوع اصلی‌شان این است (")
        assert [text for kind, text in tab.console if kind == "error"] == []
