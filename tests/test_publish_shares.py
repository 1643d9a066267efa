"""The resources' documents written by the processes that share them (kg.publish.shares)."""

from __future__ import annotations

import multiprocessing

from kg.publish.shares import Chunks, Writer


def test_the_chunks_are_each_taken_once_the_workers_from_the_first_the_last_process_from_the_end():
    """kg publish's workers take the resources' chunks from the first on and the process that forked them from
    the last back, across processes (kg.publish.shares.Chunks), so each keeps to resources of a kind."""
    context = multiprocessing.get_context("fork")
    chunks = Chunks(context, 5)
    with context.Pool(1, initializer=_inherit, initargs=(chunks,)) as pool:  # a worker takes two from the first
        assert pool.apply(_take_two) == [0, 1]
    assert [chunks.take(last=True), chunks.take(last=True), chunks.take()] == [4, 3, 2]
    assert chunks.take() is None and chunks.take(last=True) is None
    stopped = Chunks(context, 3)
    stopped.stop()
    assert stopped.take() is None and stopped.take(last=True) is None


_INHERITED = []


def _inherit(chunks):
    _INHERITED[:] = [chunks]


def _take_two():
    return [_INHERITED[0].take(), _INHERITED[0].take()]


def test_a_writer_counts_what_it_writes_and_links_a_file_unchanged_since_the_site_it_replaces(tmp_path):
    old = tmp_path / "old"
    (old / "id").mkdir(parents=True)
    (old / "id" / "same.ttl").write_text("<a> <b> <c> .\n", encoding="utf-8")
    (old / "id" / "changed.ttl").write_text("<a> <b> <d> .\n", encoding="utf-8")
    writer = Writer(tmp_path / "new", old)
    (tmp_path / "new").mkdir()
    writer.write("id/same.ttl", "<a> <b> <c> .\n")
    writer.write("id/changed.ttl", b"<a> <b> <e> .\n")
    writer.write("id/deep/new.html", "«کازاخستان»")
    assert (writer.files, writer.linked) == (3, 1)
    assert writer.bytes == 14 + 14 + len("«کازاخستان»".encode())
    assert (tmp_path / "new" / "id" / "same.ttl").stat().st_ino == (old / "id" / "same.ttl").stat().st_ino
    assert (tmp_path / "new" / "id" / "changed.ttl").read_text(encoding="utf-8") == "<a> <b> <e> .\n"
    assert (tmp_path / "new" / "id" / "deep" / "new.html").read_text(encoding="utf-8") == "«کازاخستان»"
