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

mod_rewrite matches ``Accept`` as text, without q-values (as every w3id.org
project does): a client that lists several RDF types is sent to the first rule
that matches, in the order Turtle, JSON-LD, N-Triples, RDF/XML; a browser
(``text/html`` first) to the page.

:func:`site_rules` is the static folder's own ``.htaccess``: the media type and
charset of each suffix, for an Apache host whose ``mime.types`` lacks them.
"""

from __future__ import annotations

from kg.namespaces import BASE
from kg.publish.conneg import MEDIA_TYPES

#: The media types of the site that are text, compressed for a client that asks (mod_deflate).
_COMPRESSED = (
    *dict.fromkeys(media for media in MEDIA_TYPES.values()),
    *("text/css", "text/javascript", "application/json", "image/svg+xml", "application/xml"),
    "application/opensearchdescription+xml",
)
#: The order in which an Accept header is tried against the RDF types (mod_rewrite has no q-values).
_ORDER = ("ttl", "jsonld", "nt", "rdf")
_DOCUMENTS = r"(ontology|vocabularies|shapes|dataset|data|void)(/[0-9][0-9.]*)?"


def _accept_pattern(ext: str) -> str:
    """The Accept regex of a suffix's media types (``text/turtle`` -> ``text/turtle``, ``+`` escaped)."""
    from kg.publish.conneg import OFFERS

    return "(" + "|".join(m.replace("+", r"\+") for m in OFFERS[ext]) + ")"


def w3id_rules(host: str) -> str:
    """The ``.htaccess`` of the ``iran-kazakhstan-kg`` folder of the w3id.org repository, redirecting to ``host``."""
    lines = [
        f"# w3id.org/iran-kazakhstan-kg: {BASE} -> {host}",
        "# Written by kg publish (kg.publish.apache); regenerate with `kg publish --host URL`.",
        "# Things (id/...) answer 303 to the document Accept asks for; documents (ontology, dataset...) 302.",
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
    ]
    for name, pattern, target, status in (
        ("things: 303 See Other", r"^(id/.+)$", "$1", 303),
        ("hash-namespace documents and their versions: 302 Found", rf"^{_DOCUMENTS}$", "$1$2", 302),
    ):
        lines.append(f"# {name}, by Accept, then the page")
        for ext in _ORDER:
            lines += [
                f"RewriteCond %{{HTTP_ACCEPT}} {_accept_pattern(ext)}",
                f"RewriteRule {pattern} {host}{target}.{ext} [R={status},L]",
            ]
        lines += [
            "RewriteCond %{HTTP:Accept-Language} ^fa",  # mod_rewrite knows no HTTP_ACCEPT_LANGUAGE: it reads as empty
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
