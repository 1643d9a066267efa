"""The explorer's folding table: shipped pre-computed, equal to the one computed from Unicode."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from kg import _fold_generic
from kg.explore import compute_fold_generic, fold_generic, write_fold_generic


def test_the_table_the_page_gets_equals_the_one_computed_from_this_pythons_unicode():
    assert fold_generic() == compute_fold_generic()


def test_the_shipped_table_is_the_generated_one_for_its_unicode_version(tmp_path):
    # Regenerate with: python -c "from kg.explore import write_fold_generic; write_fold_generic()"
    if unicodedata.unidata_version == _fold_generic.UNIDATA_VERSION:
        written = write_fold_generic(tmp_path / "fold.py")
        assert written.read_text(encoding="utf-8") == Path(_fold_generic.__file__).read_text(encoding="utf-8")
    computed = compute_fold_generic()
    assert "\u200c" not in computed["spaces"]  # ZWNJ is not a space: the page keeps it to fold separately
    assert [0x064B, 0x065F] in computed["marks"]  # the Arabic harakat are one range of marks
