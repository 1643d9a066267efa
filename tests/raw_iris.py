"""Finds the http(s) IRIs a page writes as text where a reader reads: the pages name every IRI (a label, the
catalogue's name, a short name) and link it, so an IRI shown whole is a page's fault. Text inside code
(``code``, ``pre``, ``kbd``, ``samp``), scripts, styles, text areas and the lists of downloads (``.downloads``)
is exempt: there an IRI is what the reader copies."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Elements whose text is for copying or for the machine, not reading: an IRI there is meant.
EXEMPT = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
#: Elements that have no end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_IRI = re.compile(r"https?://[^\s<>\"']+")


class RawIris:
    """Fed a page's tags and text (an HTMLParser's handlers delegate here), keeps in ``found`` each http(s)
    IRI of its text outside the exempt elements."""

    def __init__(self) -> None:
        self.open: list[tuple[str, bool]] = []  # (tag, exempt) of each open element
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        self.open.append((tag, tag in EXEMPT or "downloads" in classes))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if "://" in data and not any(exempt for _, exempt in self.open):
            self.found += _IRI.findall(data)


class RawIrisParser(HTMLParser):
    """A page read alone: ``RawIrisParser().feed(html)``, then ``.text.found``."""

    def __init__(self) -> None:
        super().__init__()
        self.text = RawIris()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.text.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.text.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self.text.handle_data(data)


def raw_iris(page: str) -> list[str]:
    """The http(s) IRIs ``page`` (HTML) writes as text outside code and downloads."""
    parser = RawIrisParser()
    parser.feed(page)
    return parser.text.found
