"""A hostile client of ``kg serve``'s site: no path from a request is ever a file the site reads.

SECURITY.md, "Server". One real ``kg serve --port 0`` serves the module, started in a
folder planted with files a request might try to name (a query file holding a marker,
a symbolic link to it, a file shadowing a library name) and with the marker in its
environment (``KG_ENDPOINT_PASSWORD``), so ``/proc/self/environ`` would show it. Every
route of the site, the ones added later included, is asked for every hostile name, in its
path and in its query string; none may answer with a planted file, the server's
environment or ``/etc/passwd``.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import resources
from kg_serve import start_kg_serve, stop_kg_serve

pytestmark = pytest.mark.server

MARK = "kg-hostile-secret-7f3a"
#: What must never appear in an answer: the marker (planted files, the environment) and /etc/passwd.
LEAKS = re.compile(re.escape(MARK) + r"|root:x?:?0:0|PATH=/")
#: A library query's full name, which a file in the server's folder shadows.
CQ01 = next(path.stem for path in sorted(resources.queries_dir().glob("cq01*.rq")))


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """A folder holding files named as a request might name them, each with the marker."""
    folder = tmp_path_factory.mktemp("planted")
    query = f'# title: {MARK}\nSELECT ?x WHERE {{ BIND("{MARK}" AS ?x) }}\n'
    (folder / "secret.rq").write_text(query, encoding="utf-8")
    (folder / "secret").write_text(query, encoding="utf-8")
    (folder / "link.rq").symlink_to(folder / "secret.rq")
    (folder / "queries").mkdir()
    for name in (f"{CQ01}.rq", CQ01, "zz-planted.rq"):
        (folder / name).write_text(query, encoding="utf-8")
        (folder / "queries" / name).write_text(query, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def site(planted, tmp_path_factory) -> Iterator[str]:
    env = {**os.environ, "TMPDIR": str(tmp_path_factory.mktemp("serve")), "KG_ENDPOINT_PASSWORD": MARK}
    process, url = start_kg_serve("--port", "0", env=env, cwd=str(planted))
    try:
        yield url
    finally:
        assert "Traceback" not in stop_kg_serve(process)


def hostile_names(planted: Path) -> list[str]:
    """Absolute, relative, ``..``, encoded, NUL, symbolic link, /proc, Windows-style, URL and library-file paths."""
    library_file = str(resources.queries_dir() / f"{CQ01}.rq")
    return [
        "/etc/passwd",
        "/proc/self/environ",
        "/proc/self/cwd/secret.rq",
        "secret.rq",
        "secret",
        "./secret.rq",
        "link.rq",
        "zz-planted",
        str(planted / "secret.rq"),
        f"../{planted.name}/secret.rq",
        "queries/../secret.rq",
        f"{CQ01}.rq/../../secret.rq",
        "%2Fetc%2Fpasswd",
        "..%2Fsecret.rq",
        "/etc/passwd\x00",
        "secret.rq\x00.rq",
        "C:\\Windows\\win.ini",
        "..\\secret.rq",
        "\\\\localhost\\c$\\secret.rq",
        "file:///etc/passwd",
        "~/secret.rq",
        library_file,
    ]


def test_the_editor_reads_library_names_never_a_path(site, planted):
    """/editor?q=/etc/passwd showed the file: every path, however written, is an unknown query (404)."""
    for name in hostile_names(planted):
        status, body = _get(site + "editor?" + urllib.parse.urlencode({"q": name}))
        assert status == 404, (name, status)
        assert "unknown query" in body, name
        assert not LEAKS.search(body), name


def test_a_library_name_still_opens_in_the_editor(site):
    status, body = _get(site + "editor?q=cq01&lang=en")
    assert status == 200
    assert "agreement" in body.lower()
    assert MARK not in body  # the library's cq01, not the file of that name in the server's folder


def test_a_question_page_runs_the_library_query_not_a_file_of_its_name(site):
    """``/q/cq01`` ran ``query(FULL_NAME)``, which read a file of that name in the server's folder if one existed."""
    status, body = _get(site + "q/cq01.csv")
    assert status == 200, body
    assert MARK not in body
    assert len(body.splitlines()) > 1, body


def _routes() -> list[str]:
    """The path of every GET route of the site, its parameters as ``{name}`` (the routes added later too)."""
    from kg.site import Site, create_app

    app = create_app(Site("http://127.0.0.1:9/query"))
    paths = []
    for route in app.routes:
        path, methods = getattr(route, "path", None), getattr(route, "methods", None) or {"GET"}
        if path and "GET" in methods:
            paths.append(re.sub(r"\{(\w+)(?::\w+)?\}", r"{\1}", path))
    return paths


@pytest.mark.slow  # thousands of requests
def test_no_route_reads_a_path_from_its_url(site, planted):
    """Every route, each path parameter and the usual file-ish query parameters set to every hostile name:
    no answer shows a planted file, the environment or /etc/passwd, and none is a server error."""
    routes = _routes()
    assert "/editor" in routes and "/q/{name}" in routes
    failures = []
    for route in routes:
        for name in hostile_names(planted):
            path = re.sub(r"\{\w+\}", urllib.parse.quote(name, safe=""), route).lstrip("/")
            for key in ("", "q", "name", "file", "path"):
                status, body = _get(site + path + ("?" + urllib.parse.urlencode({key: name}) if key else ""))
                if status >= 500 or LEAKS.search(body):
                    failures.append((route, key, name, status))
    assert failures == []
