"""What a reader of Persian finds on the pages of kg serve and of the static site: every page titled in its
language, nothing of the UI in English, Persian written as Persian (ZWNJ, yeh, kaf, digits).

The session's kg serve (conftest.py), asked over HTTP; the static site of the run's one ``kg build``."""

from __future__ import annotations

import html
import re
import urllib.request

import pytest

from kg.describe import DATA_GRAPH_LABEL

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
