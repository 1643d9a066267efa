"""kg.output: outputs checked before any work, written whole, never over an input or a device.

A link written through is tested in tests/hostile/test_hostile_outputs.py.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kg import output
from kg.errors import OutputError
from kg.output import (
    check_output,
    glob_escape,
    process_is_alive,
    refuse_special,
    register_input,
    remove_stale_temporaries,
    replace_path,
    write_atomically,
)


@pytest.fixture(autouse=True)
def _no_inputs(monkeypatch):
    """Each test starts with no registered input (the set is the process's)."""
    monkeypatch.setattr(output, "_INPUTS", set())


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_texts_are_written_whole_with_the_usual_permissions(tmp_path):
    files = {tmp_path / "a.ttl": "الف‌ب\n", tmp_path / "deep" / "er" / "b.nt": "<s> <p> <o> .\r\n"}
    old = os.umask(0o022)
    try:
        write_atomically(files)
    finally:
        os.umask(old)
    assert (tmp_path / "a.ttl").read_bytes() == "الف‌ب\n".encode()
    assert (tmp_path / "deep" / "er" / "b.nt").read_bytes() == b"<s> <p> <o> .\r\n"  # newline kept as given
    assert stat.S_IMODE((tmp_path / "a.ttl").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "deep"]  # no temporary left


@pytest.mark.parametrize("existing", [False, True])
def test_a_folder_put_in_place_gets_the_usual_permissions_not_its_private_staging_mode(tmp_path, existing):
    """A staging folder from tempfile.mkdtemp is 0700: put in place as it was, a published site was one that a
    web server running as its own user (www-data) answered 403 for, every page."""
    import tempfile

    target = tmp_path / "site"
    if existing:
        (target / "old").mkdir(parents=True)
    old = os.umask(0o022)
    try:
        staging = Path(tempfile.mkdtemp(dir=tmp_path))
        (staging / "index.html").write_text("<p>", encoding="utf-8")
        replace_path(staging, target)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert [p.name for p in target.iterdir()] == ["index.html"]


def test_an_input_is_never_an_output_whatever_its_spelling(tmp_path, monkeypatch):
    data = tmp_path / "data.ttl"
    data.write_text("input", encoding="utf-8")
    (tmp_path / "alias.ttl").symlink_to(data)
    os.link(data, tmp_path / "hard.ttl")
    register_input(data)
    monkeypatch.chdir(tmp_path)
    for spelling in (data, Path("./data.ttl"), Path("alias.ttl"), Path("hard.ttl"), Path("sub/../data.ttl")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputError, match=r"is an input of this command; refusing to overwrite it"):
            write_atomically({spelling: "never"})
        with pytest.raises(OutputError, match=r"is an input of this command"):
            check_output(spelling, directory=False)
    assert data.read_text(encoding="utf-8") == "input"


def test_a_file_changed_since_it_was_read_is_no_longer_that_input(tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text("input", encoding="utf-8")
    register_input(data)
    os.utime(data, ns=(1, 1))  # another modification time: not the file that was read
    write_atomically({data: "output"})
    assert data.read_text(encoding="utf-8") == "output"


def test_registering_a_missing_file_does_nothing(tmp_path):
    register_input(tmp_path / "missing.ttl")
    assert not output._INPUTS


def test_one_failing_target_leaves_every_target_untouched(tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text("old", encoding="utf-8")
    (tmp_path / "file").write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match=r"file/x\.nt: cannot write: "):
        write_atomically({good: "new", tmp_path / "file" / "x.nt": "never"})
    assert good.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "good.ttl"]


def test_a_folder_target_is_refused(tmp_path):
    with pytest.raises(OutputError, match=r"is a directory; give a file name$"):
        write_atomically({tmp_path: "x"})


def test_a_fifo_and_a_socket_are_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match=r"fifo: is a FIFO, not a regular file"):
        write_atomically({fifo: "x"})
    with pytest.raises(OutputError, match=r"is a FIFO"):
        check_output(fifo, directory=False)
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match=r"sock: is a socket, not a regular file"):
            refuse_special(path)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_device_is_refused_through_a_link(tmp_path):
    link = tmp_path / "null.ttl"
    link.symlink_to("/dev/null")
    with pytest.raises(OutputError, match=r"is a device, not a regular file"):
        write_atomically({link: "x"})
    with pytest.raises(OutputError, match=r"/dev/null: is a device"):
        check_output("/dev/null", directory=False)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_regular_files_folders_and_missing_paths_pass(tmp_path):
    (tmp_path / "f").write_text("", encoding="utf-8")
    for path in (tmp_path / "f", tmp_path, tmp_path / "missing"):
        refuse_special(path)


@pytest.mark.parametrize(
    ("make", "directory", "message"),
    [
        (lambda p: (p / "out").write_text("", encoding="utf-8"), True, r"out: exists and is not a directory$"),
        (lambda p: (p / "out").mkdir(), False, r"out: is a directory; give a file name, or use --format all"),
        (
            lambda p: (p / "file").write_text("", encoding="utf-8"),
            False,
            r"file/out/kg\.ttl: cannot create it: .*file is not a directory$",
        ),
    ],
)
def test_an_output_that_cannot_be_written_fails_before_any_work(tmp_path, make, directory, message):
    make(tmp_path)
    out = tmp_path / ("file/out/kg.ttl" if "file/" in message else "out")
    with pytest.raises(OutputError, match=message):
        check_output(out, directory=directory)


def test_a_new_output_in_new_folders_passes_and_nothing_is_left(tmp_path):
    assert check_output(tmp_path / "a" / "b" / "kg.ttl", directory=False) == tmp_path / "a" / "b" / "kg.ttl"
    assert check_output(str(tmp_path / "site"), directory=True) == tmp_path / "site"
    assert list(tmp_path.iterdir()) == []  # the probe is gone, no folder made


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / f".kg.ttl.kg{_dead_pid()}.abcd.tmp"
    alive = tmp_path / f".kg.ttl.kg{os.getpid()}.efgh.tmp"
    other = tmp_path / f".other.ttl.kg{_dead_pid()}.ijkl.tmp"
    odd = tmp_path / ".kg.ttl.kgX.mnop.tmp"
    for path in (dead, alive, other, odd):
        path.write_text("half", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path, "kg.ttl") == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (alive, other, odd))


def test_a_write_sweeps_the_temporaries_of_its_target(tmp_path):
    dead = tmp_path / f".kg[1].ttl.kg{_dead_pid()}.abcd.tmp"
    dead.write_text("half", encoding="utf-8")
    write_atomically({tmp_path / "kg[1].ttl": "whole"})
    assert [p.name for p in tmp_path.iterdir()] == ["kg[1].ttl"]


def test_remove_in_a_missing_folder_is_nothing(tmp_path):
    assert remove_stale_temporaries(tmp_path / "missing", "kg.ttl") == []


@pytest.mark.parametrize(
    ("name", "escaped"),
    [("kg.ttl", "kg.ttl"), ("a[1].ttl", "a[[]1[]].ttl"), ("*?.nt", "[*][?].nt"), ("مقاله.ttl", "مقاله.ttl")],
)
def test_glob_characters_in_a_name_are_quoted(tmp_path, name, escaped):
    assert glob_escape(name) == escaped
    (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "decoy1.ttl").write_text("", encoding="utf-8")
    assert [p.name for p in tmp_path.glob(escaped)] == [name]


def test_process_is_alive():
    assert process_is_alive(os.getpid())
    assert process_is_alive(1)  # init: someone else's, but running
    assert not process_is_alive(_dead_pid())


def test_a_writing_function_s_error_names_the_output_or_the_file_it_was_about(tmp_path):
    """A function that writes its file itself: an OS error without a file (a full disk) names the output; one
    about another file (a cache it read) is raised as it is; neither leaves a file."""
    import errno

    def full(handle, path):
        handle.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    def elsewhere(handle, path):
        raise OSError(errno.EACCES, "Permission denied", str(tmp_path / "cache"))

    out = tmp_path / "out.nt"
    with pytest.raises(OutputError, match=r"out\.nt: cannot write: No space left on device"):
        write_atomically({out: full})
    with pytest.raises(PermissionError) as caught:
        write_atomically({out: elsewhere})
    assert caught.value.filename == str(tmp_path / "cache")
    assert list(tmp_path.iterdir()) == []


def test_the_folders_made_for_a_failed_write_are_removed_again(tmp_path):
    """A function that writes its file reads as it goes (an export's input): if that fails, the folders made
    for the output go too, and a folder that existed, or holds another file, stays."""

    def broken(handle, path):
        raise OutputError("the input is broken")

    (tmp_path / "kept").mkdir()
    for target in (tmp_path / "new" / "deeper" / "x.nt", tmp_path / "kept" / "x.nt"):
        with pytest.raises(OutputError, match="the input is broken"):
            write_atomically({target: broken})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"] and not list((tmp_path / "kept").iterdir())
    write_atomically({tmp_path / "new" / "x.nt": "<a> <b> <c> .\n"})
    assert (tmp_path / "new" / "x.nt").exists()
