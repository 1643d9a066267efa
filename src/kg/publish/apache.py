"""Redirect rules for the w3id.org repository, and media types for an Apache static host.

w3id.org (https://github.com/perma-id/w3id.org) gives each project a folder of
Apache ``.htaccess`` rules (mod_rewrite). :func:`w3id_rules` writes ours: the IRI
space under ``https://w3id.org/iran-kazakhstan-kg/`` sent to the static site at
``host``, by ``Accept``, as :mod:`kg.publish.routes` does on ``kg serve``:

* ``id/…`` (things): **303** to ``….ttl``, ``….jsonld``, ``….nt``, ``….rdf`` or
  ``….html`` (Cool URIs §4.3);
* ``ontology``, ``vocabularies``, ``shapes``, ``dataset`` (and versions such as
  ``ontology/0.1.0``): **302** to the variant. These IRIs name the documents
  themselves (hash namespaces, Cool URIs §4.1), so ``kg serve`` answers 200 with
  the negotiated variant; a static host cannot negotiate, so the rule sends the
  client to the variant with 302 Found ("the resource is found at"), not 303 See
  Other, which would say that the variant is another resource describing it;
* a document (``….html``, ``….ttl``, …) and anything else: **302** to the same path
  on the host.

**q-values.** mod_rewrite has no content negotiation: it matches headers with
regular expressions (w3id.org projects usually match ``Accept`` as text, so
``text/html, text/turtle;q=0.1`` gets Turtle). These rules read the q-values by
tiers, as regular expressions can: first the variants listed with ``q=1`` (or no
``q``), then those at ``q=0.9``, ``0.8`` … ``0.1``, then those above 0 and below
0.1; ``q=0`` refuses. Within a tier the order of :data:`kg.publish.conneg.OFFERS`
breaks ties (the page first, then Turtle, JSON-LD, RDF/XML, N-Triples), as on
``kg serve``. Each variant's quality is that of the most specific range naming it
(its media type, else ``type/*``, else ``*/*``), as :func:`kg.publish.conneg.negotiate`
reads it. The first matching tier sets ``KG_VARIANT`` (an environment variable
of the request), which the redirects read. The one difference from ``kg serve``:
q-values are compared to one decimal place (``0.85`` and ``0.8`` tie), and a
request that accepts no variant, or whose header is longer than :data:`kg.limits.W3ID_MAX_HEADER`,
gets the page, not 406. ``Accept-Language`` is
read the same way: the Persian page when ``fa`` ranks above ``en`` (or ``*``).

:func:`site_rules` is the static folder's own ``.htaccess``: the media type and
charset of each suffix, for an Apache host whose ``mime.types`` lacks them.
"""

from __future__ import annotations

import re

from kg.limits import W3ID_MAX_HEADER
from kg.namespaces import BASE
from kg.publish.conneg import MEDIA_TYPES, OFFERS

#: The media types of the site that are text, compressed for a client that asks (mod_deflate).
_COMPRESSED = (
    *dict.fromkeys(media for media in MEDIA_TYPES.values()),
    *("text/css", "text/javascript", "application/json", "image/svg+xml", "application/xml"),
    "application/opensearchdescription+xml",
)
_DOCUMENTS = r"(ontology|vocabularies|shapes|dataset|data|void)(/[0-9][0-9.]*)?"
#: The q-value tiers, from the highest: a header's q-values are compared to one decimal place.
_TIERS = ("1", *(f"0.{d}" for d in range(9, 0, -1)), "0.0")
#: The parameters of a header's entry other than q (``;charset=utf-8``, ``;profile="…"``).
_OTHER_PARAMS = r"(?>(?:;\s*+(?!q\s*+=)[^;,]*+)*)"
# Every repetition is possessive (*+) or atomic ((?>…)): a run of spaces, of a parameter's characters, of
# parameters is taken whole and never given back, so each condition reads a header in one pass. With
# backtracking, a header of many spaces cost time quadratic in its length (a long Accept header kept Apache's
# CPU busy for seconds).


def _q(tier: str) -> str:
    """A regex of an entry's q parameter in ``tier`` (``1``: q=1 or no q; ``0.0``: above 0, below 0.1)."""
    if tier == "1":
        return r"(?:;\s*+q\s*+=\s*+1(?:\.0{0,3})?\s*+)?"
    if tier == "0.0":
        return r";\s*+q\s*+=\s*+0\.0(?:[1-9][0-9]?|0[1-9])\s*+"
    return rf";\s*+q\s*+=\s*+0\.{tier[-1]}[0-9]{{0,2}}\s*+"


def _entry(ranges: str, tier: str) -> str:
    """A regex of an entry of the header for one of ``ranges`` (a regex alternation) with its q in ``tier``."""
    return rf"(?:^|,)\s*+(?:{ranges})\s*+{_OTHER_PARAMS}{_q(tier)}{_OTHER_PARAMS}\s*+(?:,|$)"


def _named(ranges: str) -> str:
    """A lookahead: none of ``ranges`` is named in the header (whatever its q)."""
    return rf"^(?!.*(?:^|,)\s*+(?:{ranges})\s*+(?:;|,|$))"


def _variant_condition(types: tuple[str, ...], tier: str) -> str:
    """Whether the header gives a variant (its media types) a quality in ``tier``: the quality of the most
    specific range naming one of them: a type, else ``type/*``, else ``*/*``."""
    exact = "|".join(re.escape(t) for t in types)
    kinds = "|".join(dict.fromkeys(re.escape(t.split("/")[0] + "/") + r"\*" for t in types))
    return "|".join(
        (
            _entry(exact, tier),
            _named(exact) + ".*" + _entry(kinds, tier),
            _named(f"{exact}|{kinds}") + ".*" + _entry(r"\*/\*", tier),
        )
    )


def _language_condition(tag: str, tier: str) -> str:
    """Whether ``Accept-Language`` gives ``tag`` (a regex: ``fa``, ``en`` or ``*``) a quality in ``tier``."""
    return _entry(rf"(?:{tag})(?>(?:-[A-Za-z0-9]++)*)", tier)


def _negotiation() -> list[str]:
    """The rules that set ``KG_VARIANT`` (the suffix ``Accept`` asks for) and ``KG_LANGUAGE`` (``fa`` when
    ``Accept-Language`` ranks Persian above English), tier by tier, each set once (the first that matches)."""
    lines = [
        "# Content negotiation, tier by tier of q-values (see kg.publish.apache): KG_VARIANT, KG_LANGUAGE.",
        f"# A header longer than {W3ID_MAX_HEADER} characters is not read: the page.",
        f"RewriteCond %{{HTTP_ACCEPT}} ^.{{{W3ID_MAX_HEADER + 1}}}",
        "RewriteRule ^ - [E=KG_VARIANT:html]",
        f"RewriteCond %{{HTTP:Accept-Language}} ^.{{{W3ID_MAX_HEADER + 1}}}",
        "RewriteRule ^ - [E=KG_LANGUAGE:en]",
    ]
    for tier in _TIERS:
        for ext, types in OFFERS.items():
            lines += [
                "RewriteCond %{ENV:KG_VARIANT} ^$",
                f"RewriteCond %{{HTTP_ACCEPT}} {_variant_condition(types, tier)} [NC]",
                f"RewriteRule ^ - [E=KG_VARIANT:{ext}]",
            ]
    for tier in _TIERS:
        for lang, tag in (("en", r"en|\*"), ("fa", "fa")):  # a tie is English, as on kg serve
            lines += [
                "RewriteCond %{ENV:KG_LANGUAGE} ^$",
                f"RewriteCond %{{HTTP:Accept-Language}} {_language_condition(tag, tier)} [NC]",
                f"RewriteRule ^ - [E=KG_LANGUAGE:{lang}]",
            ]
    return [*lines, ""]


def w3id_rules(host: str) -> str:
    """The ``.htaccess`` of the ``iran-kazakhstan-kg`` folder of the w3id.org repository, redirecting to ``host``."""
    lines = [
        f"# w3id.org/iran-kazakhstan-kg: {BASE} -> {host}",
        "# Written by kg publish (kg.publish.apache); regenerate with `kg publish --host URL`.",
        "# Things (id/...) answer 303 to the document Accept asks for; documents (ontology, dataset...) 302.",
        "# Accept and Accept-Language are read with their q-values, compared to one decimal place.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "# Where a redirect goes depends on these headers: a shared cache must not hand one client's to another",
        "# (mod_rewrite's own Vary is not sent on a redirect).",
        "<IfModule mod_headers.c>",
        '  Header always merge Vary "Accept, Accept-Language"',
        "</IfModule>",
        "",
        "# The documents themselves: the same path on the host",
        rf"RewriteRule ^(.+\.(html|ttl|nt|jsonld|rdf|gz|json|xml))$ {host}$1 [R=302,L]",
        "",
        *_negotiation(),
    ]
    for name, pattern, target, status in (
        ("things: 303 See Other", r"^(id/.+)$", "$1", 303),
        ("hash-namespace documents and their versions: 302 Found", rf"^{_DOCUMENTS}$", "$1$2", 302),
    ):
        lines += [
            f"# {name}, to the variant Accept asks for, else the page in the reader's language",
            "RewriteCond %{ENV:KG_VARIANT} ^(ttl|jsonld|nt|rdf)$",
            f"RewriteRule {pattern} {host}{target}.%1 [R={status},L]",
            "RewriteCond %{ENV:KG_LANGUAGE} ^fa$",
            f"RewriteRule {pattern} {host}{target}.fa.html [R={status},L]",
            f"RewriteRule {pattern} {host}{target}.html [R={status},L]",
            "",
        ]
    lines += [
        "# The dataset description at the well-known address (VoID 6.2), and the top",
        f"RewriteRule ^\\.well-known/void$ {host}.well-known/void [R=302,L]",
        f"RewriteRule ^$ {host} [R=302,L]",
        f"RewriteRule ^(.*)$ {host}$1 [R=302,L]",
        "",
    ]
    return "\n".join(lines)


def site_rules(prefix: str = "/") -> str:
    """The static folder's ``.htaccess``: media types with charset, the 404 page (at ``prefix``, the URL path
    the site is published under: an error document is named from the host's root), the well-known
    description; and what a hostile request gets: the ``.htaccess`` files themselves are not served, and
    a method other than GET, HEAD and OPTIONS is 405 (TRACE, which echoes the request, Apache answers before
    any ``.htaccess`` is read: only the server's ``TraceEnable off`` stops it, as the file says)."""
    lines = ["# Media types of the static site (kg publish), for an Apache host.", "AddDefaultCharset utf-8"]
    for ext, media in MEDIA_TYPES.items():
        lines.append(f"AddType {media} .{ext}")
    lines += [
        "AddType application/json .json",
        "AddCharset utf-8 .html .ttl .nt .jsonld .rdf .json .xml",
        f"ErrorDocument 404 {prefix}404.html",
        "# a missing Persian page: the not-found page in Persian first",
        '<If "%{REQUEST_URI} =~ /\\.fa\\.html$/">',
        f"  ErrorDocument 404 {prefix}404.fa.html",
        "</If>",
        '<Files "void">',
        '  ForceType "text/turtle; charset=utf-8"',
        "</Files>",
        '<FilesMatch "^opensearch(\\.fa)?\\.xml$">',
        '  ForceType "application/opensearchdescription+xml; charset=utf-8"',
        "</FilesMatch>",
        '<FilesMatch "^\\.ht">',
        "  Require all denied",
        "</FilesMatch>",
        "# Text compressed for the clients that ask for it, where the host has the modules",
        "<IfModule mod_deflate.c>",
        "<IfModule mod_filter.c>",
        f"  AddOutputFilterByType DEFLATE {' '.join(_COMPRESSED)}",
        "</IfModule>",
        "</IfModule>",
        "# A static site is read only. (TRACE is answered before this file is read: set TraceEnable off.)",
        "RewriteEngine on",
        "RewriteCond %{REQUEST_METHOD} !^(GET|HEAD|OPTIONS)$",
        "RewriteRule ^ - [R=405,L]",
        "",
    ]
    return "\n".join(lines)
