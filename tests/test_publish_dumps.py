"""kg.publish.dumps: the static site's gzipped dumps, one per syntax, made in a process of their own."""

from __future__ import annotations

import gzip

import pytest

from kg.formats import FORMATS


def test_there_is_a_dump_for_each_syntax_and_each_is_the_export_gzipped_without_a_name_or_time():
    from kg.export import exported
    from kg.publish.dumps import dump_names, write_dumps
    from kg.sources import Sources

    names = dump_names()
    assert names == [f"kg.{fmt.extension}.gz" for fmt in FORMATS.values()] and len(set(names)) == len(FORMATS)
    made = write_dumps(sources=Sources())
    assert list(made) == names
    texts = {f"kg.{fmt.extension}.gz": text for fmt, text in exported(Sources()).items()}
    for name, body in made.items():
        assert body[4:8] == b"\0\0\0\0" and not body[3] & 0x08  # no time (MTIME 0), no file name (no FNAME flag)
        assert gzip.decompress(body).decode("utf-8") == texts[name]


def test_the_dumps_made_by_a_process_of_their_own_are_the_same_and_say_what_failed(monkeypatch):
    """kg publish forks a process for the dumps before it reads anything (kg.publish.dumps.DumpsApart): the
    same bytes as made here, and an error there is raised here, with its message."""
    from kg.errors import OutputError
    from kg.publish import dumps
    from kg.sources import Sources

    apart = dumps.DumpsApart(Sources())
    try:
        apart.start()
        assert apart.result() == dumps.write_dumps(sources=Sources())
    finally:
        apart.close()

    def broken(**_: object) -> dict[str, bytes]:
        raise OutputError("no room for the dumps")

    monkeypatch.setattr(dumps, "write_dumps", broken)  # before the fork: the process inherits it
    apart = dumps.DumpsApart(Sources())
    try:
        apart.start()
        with pytest.raises(OutputError, match="no room for the dumps"):
            apart.result()
    finally:
        apart.close()
