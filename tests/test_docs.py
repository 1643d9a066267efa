"""kg docs: the ontology documentation, one page per language, generated from ontology/ and never stale."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import pytest

from kg import resources
from kg.cli import main
from kg.docs import LANGUAGES, PAGES, render_html, write_docs
from kg.errors import OutputError, UsageError
from kg.load import load_ontology
from kg.namespaces import DCTERMS, KG, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS, VANN
from kg.publish.dates import format_date

VOID_ELEMENTS = {"meta", "link", "br", "img", "hr", "input"}


def _escaped(value: object) -> str:
    return escape(str(value))


class _Checker(HTMLParser):
    """Collects ids, internal links and the nesting of elements."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.root_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.root_attrs = attributes
        if "id" in attributes:
            self.ids.append(attributes["id"] or "")
        href = attributes.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self.fragments.append(href[1:])
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}> at {self.getpos()}")
            return
        self.stack.pop()


@pytest.fixture(scope="module")
def ontology():
    return load_ontology()


@pytest.fixture(scope="module", params=LANGUAGES)
def page(request, ontology):
    html = render_html(ontology, request.param)
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return request.param, html, checker


def test_page_is_well_formed_and_every_internal_link_resolves(page):
    _, _, checker = page
    assert not checker.errors, checker.errors[:5]
    assert not checker.stack, f"unclosed: {checker.stack}"
    assert len(checker.ids) == len(set(checker.ids)), "ids are unique"
    missing = sorted(set(checker.fragments) - set(checker.ids))
    assert not missing, missing


def test_a_table_that_scrolls_on_a_phone_takes_the_keyboard_focus(page):
    """A grid table scrolls sideways on a phone (display: block; overflow-x: auto): focusable, a keyboard scrolls it
    (axe-core's scrollable-region-focusable, serious, at 360 px on the concept schemes' tables)."""
    _, html, _ = page
    tables = re.findall(r'<table class="grid"[^>]*>', html)
    assert len(tables) > 5 and all('tabindex="0"' in table for table in tables)


def test_page_declares_its_language_and_direction(page):
    lang, html, checker = page
    assert checker.root_attrs == {"lang": lang, "dir": "rtl" if lang == "fa" else "ltr"}
    other = "en" if lang == "fa" else "fa"
    assert f'<a href="{PAGES[other]}" hreflang="{other}" lang="{other}">' in html


def test_every_kg_term_has_an_entry_with_its_label_and_comment(page, ontology):
    lang, html, checker = page
    terms = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(KG._NS))}
    assert len(terms) > 100
    for term in terms:
        anchor = str(term)[len(str(KG._NS)) :]
        assert anchor in checker.ids, term
        entry = html[html.index(f'id="{anchor}"') :]
        entry = entry[: entry.index("</div>")]
        label = next(v for v in ontology.objects(term, RDFS.label) if v.language == lang)
        comment = next(v for v in ontology.objects(term, RDFS.comment) if v.language == lang)
        assert _escaped(label) in entry, (term, lang)
        assert _escaped(comment) in entry, (term, lang)


def test_every_concept_of_every_scheme_is_listed(page, ontology):
    _, _, checker = page
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        assert "concept-" + str(concept).rsplit("/", 1)[-1] in checker.ids


def test_persian_page_marks_english_and_iris_left_to_right(ontology):
    html = render_html(ontology, "fa")
    assert '<span lang="en" dir="ltr">place</span>' in html
    assert '<code dir="ltr">kg:Place</code>' in html
    assert "مکان" in html and "رده‌ها" in html


def test_the_header_metadata_appears(page, ontology):
    lang, html, _ = page
    title = next(v for v in ontology.objects(ONTOLOGY_IRI, DCTERMS.title) if v.language == lang)
    assert f"<h1>{_escaped(title)}</h1>" in html
    for value in (
        ontology.value(ONTOLOGY_IRI, OWL.versionInfo),
        ontology.value(ONTOLOGY_IRI, OWL.versionIRI),
        ontology.value(ONTOLOGY_IRI, DCTERMS.license),
        ontology.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri),
    ):
        assert value is not None and _escaped(value) in html


def test_the_creation_date_is_written_in_both_calendars_in_the_pages_language(ontology):
    """The Persian page said «تاریخ ایجاد 2026-11-25»: an ISO date in Latin digits."""
    created = str(ontology.value(ONTOLOGY_IRI, DCTERMS.created))
    for lang in LANGUAGES:
        html = render_html(ontology, lang)
        assert f"<td>{escape(format_date(created, lang))}</td>" in html and f">{created}<" not in html, lang
    assert re.search(r"<td>[۰-۹]+ [آ-ی]+ [۰-۹]{4} \([۰-۹]+ [آ-ی]+ [۰-۹]{4}\)</td>", render_html(ontology, "fa"))


def test_pages_are_deterministic(ontology):
    for lang in LANGUAGES:
        assert render_html(ontology, lang) == render_html(load_ontology(), lang)


def test_committed_pages_are_up_to_date(ontology):
    """docs/ontology/ is what `kg docs --out docs/ontology` writes: regenerate it after changing ontology/."""
    folder = resources.root() / "docs" / "ontology"
    if not folder.is_dir():
        pytest.skip("docs/ontology/ not generated in this tree")
    for lang in LANGUAGES:
        committed = (folder / PAGES[lang]).read_text(encoding="utf-8")
        assert committed == render_html(ontology, lang, href=lambda iri: None), (
            f"docs/ontology/{PAGES[lang]} is stale: run `kg docs --out docs/ontology`"
        )


def test_write_docs_and_cli(tmp_path, capsys):
    written = write_docs(tmp_path / "a")
    assert [p.name for p in written] == ["index.html", "fa.html"]
    assert main(["docs", "--out", str(tmp_path / "b")]) == 0
    assert f"wrote {tmp_path / 'b' / 'fa.html'}" in capsys.readouterr().out
    for name in PAGES.values():
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_bad_language_and_unwritable_folder(tmp_path, ontology):
    with pytest.raises(UsageError, match="unknown language 'de': choose one of en, fa"):
        render_html(ontology, "de")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match="exists and is not a directory"):
        write_docs(blocker)


def test_kg_docs_alone_links_nothing_off_the_machine(tmp_path):
    """Without a site beside them, a term the pages do not document is named, not linked to its IRI."""
    for path in write_docs(tmp_path / "docs"):
        html = path.read_text(encoding="utf-8")
        assert [h for h in re.findall(r'href="([^"#]+)"', html) if h not in PAGES.values()] == []
        assert '<code dir="ltr">owl:Thing</code>' in html


def test_the_builds_docs_link_undocumented_terms_to_the_sites_pages(tmp_path, ontology):
    """kg build writes the docs beside its static site: an undocumented term links to its page there."""
    from kg.docs import write_docs_dir
    from kg.publish.paths import page_path

    write_docs_dir(ontology, tmp_path, site="../site/")
    for lang in LANGUAGES:
        html = (tmp_path / PAGES[lang]).read_text(encoding="utf-8")
        links = [h for h in re.findall(r'href="([^"#]+)"', html) if h not in PAGES.values()]
        assert links and all(h.startswith("../site/") for h in links), links[:3]
        assert f'href="../site/{page_path(str(OWL.Thing), lang)}"' in html
