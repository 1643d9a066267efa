"""kg.source_watch: a change of kg's files is seen at the next question, by the kernel or by their status;
bytecode and scratch files are not kg's files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg import source_watch
from kg.source_watch import SourceWatch


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package folder as kg's: modules, a subpackage, files it reads, bytecode caches."""
    root = tmp_path / "kg"
    (root / "sub" / "__pycache__").mkdir(parents=True)
    (root / "__pycache__").mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (root / "sub" / "mod.py").write_text("X = 1\n", encoding="utf-8")
    (root / "i18n.toml").write_text("[en]\n", encoding="utf-8")
    return root


@pytest.fixture(params=["kernel", "status"])
def watch(request, package, monkeypatch):
    """The watch as Linux gives it (inotify), and as it is where there is none (each file's status)."""
    if request.param == "status":
        monkeypatch.setattr(source_watch, "_watch", lambda paths: None)
    made = SourceWatch(str(package))
    assert made.by_kernel == (request.param == "kernel")
    yield made
    made.close()


def _later_mtime(path: Path) -> None:
    """A modification time the status sees as another (a file system's clock may not have moved yet)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def test_nothing_changed_is_nothing_changed(watch):
    assert not watch.changed()
    assert not watch.changed()


def test_bytecode_and_scratch_files_are_not_kg_s_files(watch, package):
    (package / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0" * 16)
    (package / "sub" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0" * 16)
    (package / "sub" / ".mod.py.swp").write_bytes(b"scratch")
    (package / "sub" / "mod.py~").write_bytes(b"X = 2\n")
    assert not watch.changed()


@pytest.mark.parametrize(
    "change",
    [
        "edited in place",
        "touched",
        "renamed from a scratch file",
        "a new module",
        "a module removed",
        "a new folder",
        "a data file edited",
    ],
)
def test_a_change_of_kg_s_files_is_seen_and_stays_seen(watch, package, change):
    module = package / "sub" / "mod.py"
    if change == "edited in place":
        with module.open("a", encoding="utf-8") as handle:
            handle.write("Y = 2\n")
    elif change == "touched":
        _later_mtime(module)
    elif change == "renamed from a scratch file":
        scratch = package / "sub" / "4913"
        scratch.write_text("X = 3\n", encoding="utf-8")
        _later_mtime(scratch)
        scratch.replace(module)
    elif change == "a new module":
        (package / "sub" / "new.py").write_text("", encoding="utf-8")
    elif change == "a module removed":
        module.unlink()
    elif change == "a new folder":
        (package / "more").mkdir()
        (package / "more" / "__init__.py").write_text("", encoding="utf-8")
    else:
        _later_mtime(package / "i18n.toml")
        with (package / "i18n.toml").open("a", encoding="utf-8") as handle:
            handle.write("x = 1\n")
    assert watch.changed()
    assert watch.changed()  # for good: a process does not unload code


def test_the_kernel_sees_a_rewrite_with_the_old_size_and_time(package):
    """What no status of the files can tell (where there is no inotify, the status is all there is)."""
    made = SourceWatch(str(package))
    if not made.by_kernel:
        pytest.skip("no inotify here")
    module = package / "sub" / "mod.py"
    info = module.stat()
    module.write_text("X = 2\n", encoding="utf-8")
    os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert made.changed()
    made.close()


def test_the_package_folder_moved_away_is_a_change(watch, package, tmp_path):
    package.rename(tmp_path / "gone")
    assert watch.changed()


def test_events_queued_faster_than_read_are_all_read(watch, package):
    """Many events between two questions (an upgrade rewrites every file) end in one answer, and none is left."""
    for i in range(2000):
        (package / "__pycache__" / f"m{i}.pyc").write_bytes(b"")
    assert not watch.changed()
    (package / "sub" / "mod.py").write_text("X = 4\n", encoding="utf-8")
    assert watch.changed()
