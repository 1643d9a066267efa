"""kg.content: files known by their bytes, hashed only when files of the same sizes are compared with them.

The rule for trusting a hash taken before (git's racy-clean rule) is tested through the stores it keys, in
tests/test_index.py."""

from __future__ import annotations

import hashlib

import pytest

from kg import content
from kg.content import Contents, file_digest, read_digested


@pytest.fixture(autouse=True)
def _nothing_hashed():
    content._HASHED.clear()
    yield
    content._HASHED.clear()


def test_bytes_read_are_held_by_the_files_that_hold_them(tmp_path):
    one, two = tmp_path / "one.nt", tmp_path / "two.nt"
    one.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    two.write_bytes(b"<urn:a> <urn:b> <urn:d> .\n")
    held = Contents([one.read_bytes(), two.read_bytes()])
    assert held.held_by([one, two])
    assert not held.held_by([two, one])  # same sizes, other bytes in that order
    assert not held.held_by([one])
    assert held.digests() == tuple(hashlib.sha256(p.read_bytes()).hexdigest() for p in (one, two))


def test_files_of_other_sizes_are_told_apart_without_a_hash(tmp_path, hashed):
    one = tmp_path / "one.nt"
    one.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    held = Contents([one.read_bytes()])
    one.write_bytes(b"<urn:a> <urn:b> <urn:cc> .\n")
    assert not held.held_by([one])
    assert hashed == [] and held._digests is None  # neither the file nor the bytes held were hashed


def test_read_digested_gives_the_bytes_and_their_hash(tmp_path):
    one = tmp_path / "one.nt"
    one.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    with one.open("rb") as handle:
        data, digest = read_digested(handle)
    assert data == one.read_bytes()
    assert digest == hashlib.sha256(data).hexdigest() == file_digest(one)
