"""The static site's own .htaccess against hostile requests, on a real Apache httpd serving it under a prefix
(as a host serves a site at ``https://example.org/kg/``): its rule files are not served, it is read only, and a
missing page gets the site's own 404 page, whose links work at any depth."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from apache import error_log, running_apache
from kg.publish.apache import site_rules

PREFIX = "/kg/site/"


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from kg.publish.description import load_publication
    from kg.publish.pages import Renderer

    folder = tmp_path_factory.mktemp("apache-hostile")
    site = folder / "site"
    (site / "id").mkdir(parents=True)
    (site / "sparql").mkdir()
    (site / "id" / "kazakhstan.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    (site / "site.css").write_text("body {}\n", encoding="utf-8")
    (site / "sparql" / ".htaccess").write_text("# the engine's files\n", encoding="utf-8")
    top = Renderer(load_publication(), root="", static=True)
    for name, lang in (("404.html", "en"), ("404.fa.html", "fa")):
        page = top.render("not-found.html", lang, path="", results=[], base_href=PREFIX)
        (site / name).write_text(page, encoding="utf-8")
    (site / ".htaccess").write_text(site_rules(PREFIX), encoding="utf-8")
    with running_apache(folder, {PREFIX: site}) as url:
        yield url, folder


def _ask(url: str, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body or None)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", [".htaccess", "sparql/.htaccess", ".htpasswd", ".HTaccess"])
def test_the_rule_files_are_not_served(apache, path):
    url, folder = apache
    status = _ask(url, "GET", PREFIX + path)[0]
    assert status in (403, 404), error_log(folder)  # .HTaccess: no such file (names are case sensitive)
    if path != ".HTaccess":
        assert status == 403


@pytest.mark.parametrize(("method", "body"), [("PUT", b"x"), ("DELETE", b""), ("POST", b"q=1"), ("PATCH", b"x")])
def test_the_site_is_read_only(apache, method, body):
    url, folder = apache
    assert _ask(url, method, PREFIX + "id/kazakhstan.ttl", body)[0] == 405, error_log(folder)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_reading_methods_are_answered(apache, method):
    url, _ = apache
    status, headers, _ = _ask(url, method, PREFIX + "id/kazakhstan.ttl")
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"


@pytest.mark.parametrize(
    "path", ["id/nothing", "id/deep/er/nothing.ttl", "id/%E2%80%AE.html", "nothing.fa.html", "id/deep/nothing.fa.html"]
)
def test_a_missing_page_is_the_sites_404_page_with_links_that_work_at_any_depth(apache, path):
    url, folder = apache
    status, headers, body = _ask(url, "GET", PREFIX + path)
    page = body.decode("utf-8")
    assert status == 404 and headers["content-type"].startswith("text/html"), error_log(folder)
    assert f'<base href="{PREFIX}">' in page and "no resource at this address" in page and "منبعی ندارد" in page
    persian = path.endswith(".fa.html")  # a Persian page's name: the page in Persian first (it was English)
    assert f'<html lang="{"fa" if persian else "en"}"' in page
    assert ("<h1>یافت نشد (۴۰۴)</h1>" if persian else "<h1>Not found (404)</h1>") in page
    css = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    resolved = urllib.parse.urljoin(url + PREFIX, css)  # the <base> decides, not the missing page's folder
    assert _ask(url, "GET", urllib.parse.urlsplit(resolved).path)[0] == 200


@pytest.mark.parametrize(
    "path", ["id/kazakhstan.ttl%00", "nothing%2Fhere", "%2e%2e/%2e%2e/etc/passwd", "../../etc/passwd"]
)
def test_encoded_nul_slash_and_dots_reach_no_file(apache, path):
    """Refused by Apache itself before the site's rules (its own 400 or 404 page): nothing outside is read."""
    url, _ = apache
    status, _, body = _ask(url, "GET", PREFIX + path)
    assert status in (400, 404) and b"root:" not in body
