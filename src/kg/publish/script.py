"""The script of the search box: ``templates/site/search.js`` bundled with the explorer's folding and number modules.

The search box folds a query exactly as :func:`kg.text.fold` does, with the one folding module
of the explorer (``templates/explorer/fold.js`` and the table generated from :mod:`kg.text`),
joined by :func:`kg.explore.script.bundle_modules` into one classic script (the static site may be
opened from disk, where module scripts do not load).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def search_script() -> str:
    """The search box's script, one file."""
    from kg.explore.script import MODULES, bundle_modules
    from kg.text import fold_script

    sources = {
        "search.js": files("kg").joinpath("templates", "site", "search.js").read_text(encoding="utf-8"),
        "fold.js": MODULES.joinpath("fold.js").read_text(encoding="utf-8"),
        "format.js": MODULES.joinpath("format.js").read_text(encoding="utf-8"),
        "fold-table.js": fold_script(),
    }
    return bundle_modules(sources, entry="search.js")
