"""The explorer's script: ES modules (``templates/explorer/*.js``) joined into one inline script.

The page is one HTML file that works offline under a Content-Security-Policy that runs only inline
scripts (``script-src 'unsafe-inline'``). Modules cannot be loaded there as they are:

- an inline ``<script type="module">`` has no URL, so no other module can import it;
- an import map of ``data:`` URLs would need ``script-src data:`` (which runs code from any ``data:``
  URL), and ``blob:`` URLs a loader script plus ``script-src blob:``: both loosen the policy;
- a bundler (esbuild, Rollup) would need Node.js at build time, and ``kg build`` runs on Python alone
  (Node.js is a development tool here: the unit tests and the linter).

So the modules keep to a small, checked subset of the module syntax, and :func:`bundle_script` turns
each into a function scope run once, in dependency order, inside one strict-mode script::

    const $fold = (() => { const { FOLD, SPACES } = $fold_table; ...; return { fold }; })();

The subset (ESLint's ``no-restricted-syntax`` in ``eslint.config.mjs`` and this parser both refuse
anything else): at the top level, ``import { a, b as c } from "./name.js";`` of a sibling module, and
``export function``/``export const``/``export class`` declarations of one name. No ``export let``
(an export is a value here, not a live binding), no default or ``*`` exports, no import cycle.
Node's test runner imports the same files as real ES modules (``tests/js``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from kg.errors import OutputError

#: The folder of the script's modules, and the module the page runs.
MODULES = files("kg").joinpath("templates", "explorer")
ENTRY = "main.js"

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w-]+\.js)";[ \t]*$', re.MULTILINE)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(function\*?|const|class)\s+([A-Za-z_$][\w$]*)", re.MULTILINE)
_ANY = re.compile(r"^(import|export)\b.*$", re.MULTILINE)
_NAME = re.compile(r"^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$")


@dataclass(frozen=True)
class Module:
    """One module of the script: its file name, its imports (module -> [(name, local)]), its exports and body."""

    name: str
    imports: dict[str, list[tuple[str, str]]]
    exports: list[str]
    body: str


def _where(name: str, text: str, offset: int) -> str:
    return f"{name}:{text.count(chr(10), 0, offset) + 1}"


def read_module(name: str, text: str) -> Module:
    """Parse the imports and exports of one module; raise OutputError at the first form outside the subset."""
    imports: dict[str, list[tuple[str, str]]] = {}
    for match in _IMPORT.finditer(text):
        bindings = []
        for item in filter(None, (part.strip() for part in match.group(1).split(","))):
            named = _NAME.match(item)
            if not named:
                raise OutputError(f"{_where(name, text, match.start())}: cannot bundle the import of {item!r}")
            bindings.append((named.group(1), named.group(2) or named.group(1)))
        imports.setdefault(match.group(2), []).extend(bindings)
    exports = [match.group(2) for match in _EXPORT.finditer(text)]
    handled = {m.start() for m in _IMPORT.finditer(text)} | {m.start() for m in _EXPORT.finditer(text)}
    for match in _ANY.finditer(text):
        if match.start() not in handled:
            raise OutputError(
                f"{_where(name, text, match.start())}: {match.group(0)[:60]!r} is outside the module syntax the "
                "page's bundle supports (see kg.explore.script)"
            )
    body = _EXPORT.sub(lambda m: m.group(0)[len("export") :].lstrip(), _IMPORT.sub("", text))
    return Module(name, imports, exports, body)


def _variable(name: str) -> str:
    return "$" + re.sub(r"\W", "_", name.removesuffix(".js"))


def module_order(modules: dict[str, Module], entry: str = ENTRY) -> list[str]:
    """The modules ``entry`` needs, each after those it imports; raises OutputError on a cycle or a missing one."""
    order: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name) :], name])
            raise OutputError(f"the explorer's modules import each other in a cycle: {cycle}")
        if name not in modules:
            importer = visiting[-1] if visiting else "the page"
            raise OutputError(f"{importer} imports {name}, which is not a module of the explorer")
        visiting.append(name)
        for dependency in modules[name].imports:
            visit(dependency)
        visiting.pop()
        order.append(name)

    visit(entry)
    return order


def bundle_modules(sources: dict[str, str], entry: str = ENTRY) -> str:
    """One strict-mode script running ``entry`` and the modules it imports (``sources``: file name -> text)."""
    modules = {name: read_module(name, text) for name, text in sources.items()}
    parts = ['(function () {\n"use strict";\n']
    for name in module_order(modules, entry):
        module = modules[name]
        for dependency, bindings in module.imports.items():
            missing = [imported for imported, _ in bindings if imported not in modules[dependency].exports]
            if missing:
                raise OutputError(f"{name} imports {', '.join(missing)} from {dependency}, which does not export it")
        lines = [
            f"  const {{ {', '.join(b if a == b else f'{a}: {b}' for a, b in bindings)} }} = {_variable(dep)};\n"
            for dep, bindings in module.imports.items()
        ]
        parts.append(f"/* ---- {name} */\nconst {_variable(name)} = (() => {{\n{''.join(lines)}")
        parts.append(module.body.strip("\n") + "\n")
        parts.append(f"return {{ {', '.join(module.exports)} }};\n}})();\n")
    parts.append("})();\n")
    return "".join(parts)


def read_sources(folder: Traversable = MODULES, fold_module: str | None = None) -> dict[str, str]:
    """The text of every module in ``folder``; ``fold_module`` replaces ``fold-table.js`` when given."""
    sources = {item.name: item.read_text(encoding="utf-8") for item in folder.iterdir() if item.name.endswith(".js")}
    if fold_module is not None:
        sources["fold-table.js"] = fold_module
    return sources


def bundle_script() -> str:
    """The page's script: the explorer's modules, with the folding module of this Python's Unicode database."""
    from kg.text import fold_script

    return bundle_modules(read_sources(fold_module=fold_script()))
