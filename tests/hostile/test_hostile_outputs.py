"""Hostile output paths: never over an input, written through symbolic links, refused when unwritable, no litter.

SECURITY.md, "Outputs". Every case asserts the exit code (7 for an output error),
the message, and that nothing was written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg import resources
from kg.cli import main
from kg.errors import OutputError
from kg.output import register_input, remove_stale_temporaries, write_atomically

DATA = resources.data_path()


def test_a_symlinked_output_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomically({link: "new"})
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_a_registered_input_is_refused_as_an_output_under_any_spelling(tmp_path):
    source = tmp_path / "in.ttl"
    source.write_text("# input\n", encoding="utf-8")
    hard = tmp_path / "hard.ttl"
    hard.hardlink_to(source)
    register_input(source)
    for spelling in (source, tmp_path / "." / "in.ttl", hard):
        with pytest.raises(OutputError, match=r"is an input of this command; refusing to overwrite it"):
            write_atomically({spelling: "replaced"})
    assert source.read_text(encoding="utf-8") == "# input\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.ttl", "in.ttl"]


@pytest.mark.parametrize(
    "command",
    [
        ["explore", "--data", "{f}", "--out", "{f}"],
        ["export", "--data", "{f}", "--graph", "data", "--format", "turtle", "--out", "{f}"],
        ["describe", "--data", "{f}", "--out", "{f}"],
    ],
    ids=["explore", "export", "describe"],
)
def test_a_command_refuses_to_write_over_its_own_input(tmp_path, capsys, command):
    data = tmp_path / "article.ttl"
    shutil.copyfile(DATA, data)
    before = data.read_bytes()
    assert main([part.format(f=data) for part in command]) == 7
    assert "is an input of this command" in capsys.readouterr().err
    assert data.read_bytes() == before


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_temporaries_of_a_killed_writer_are_removed_by_the_next_write(tmp_path):
    target = tmp_path / "kg.ttl"
    stale = tmp_path / f".kg.ttl.kg{_dead_pid()}.abcd.tmp"
    stale.write_text("half", encoding="utf-8")
    live = tmp_path / f".kg.ttl.kg{Path('/proc/self').resolve().name}.efgh.tmp"  # this process: alive
    live.write_text("in progress", encoding="utf-8")
    other = tmp_path / f".other.ttl.kg{_dead_pid()}.ijkl.tmp"
    other.write_text("another file's", encoding="utf-8")
    write_atomically({target: "done"})
    assert not stale.exists()
    assert live.exists() and other.exists()
    assert target.read_text(encoding="utf-8") == "done"
    assert remove_stale_temporaries(tmp_path, "other.ttl") == [other]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("make_out", "command", "message"),
    [
        (lambda d: d / "a-dir", ["export", "--format", "turtle", "--out", "{out}"], "is a directory"),
        (lambda d: d / "file.txt", ["export", "--format", "all", "--out", "{out}"], "exists and is not a directory"),
        (lambda d: d / "file.txt" / "x.ttl", ["export", "--format", "turtle", "--out", "{out}"], "is not a directory"),
        (lambda d: Path("/proc/kg-cannot-write.ttl"), ["export", "--format", "nt", "--out", "{out}"], "cannot write"),
        (lambda d: d / "a-dir", ["explore", "--out", "{out}"], "is a directory"),
        (lambda d: d / "file.txt", ["docs", "--out", "{out}"], "exists and is not a directory"),
        (lambda d: d / "a-dir", ["describe", "--out", "{out}"], "is a directory"),
    ],
    ids=[
        "file-onto-dir",
        "all-onto-file",
        "under-a-file",
        "proc",
        "explore-onto-dir",
        "docs-onto-file",
        "describe-dir",
    ],
)
def test_an_unwritable_output_is_refused_before_any_work(tmp_path, capsys, make_out, command, message):
    (tmp_path / "a-dir").mkdir()
    (tmp_path / "a-dir" / "keep.txt").write_text("keep", encoding="utf-8")
    (tmp_path / "file.txt").write_text("keep", encoding="utf-8")
    before = _snapshot(tmp_path)
    out = make_out(tmp_path)
    assert main([part.format(out=out) for part in command]) == 7
    assert message in capsys.readouterr().err
    assert _snapshot(tmp_path) == before


def test_a_symlink_to_the_input_is_still_the_input(tmp_path, capsys):
    data = tmp_path / "article.ttl"
    shutil.copyfile(DATA, data)
    before = data.read_bytes()
    link = tmp_path / "looks-like-an-output.html"
    link.symlink_to(data)
    assert main(["explore", "--data", str(data), "--out", str(link)]) == 7
    assert "is an input of this command" in capsys.readouterr().err
    assert data.read_bytes() == before and link.is_symlink()


# --------------------------------------------------------------------------- kg build and kg export --format all


@pytest.mark.parametrize(
    ("make_out", "message"),
    [
        (lambda d: d / "file.txt", "{out}: exists and is not a directory"),
        (lambda d: d / "file.txt" / "build", "{out}: cannot create it: {d}/file.txt is not a directory"),
        (lambda d: Path("/proc/kg-build"), "{out}: cannot write in /proc: "),
        (lambda d: Path("/proc/self/kg-build"), "{out}: cannot write in /proc/self: "),
    ],
    ids=["onto-a-file", "under-a-file", "into-proc", "into-proc-self"],
)
def test_kg_build_refuses_an_unwritable_directory_before_it_validates(tmp_path, capsys, make_out, message):
    (tmp_path / "file.txt").write_text("keep", encoding="utf-8")
    before = _snapshot(tmp_path)
    out = make_out(tmp_path)
    assert main(["build", "--out", str(out)]) == 7
    captured = capsys.readouterr()
    assert captured.err.startswith("kg build: error: " + message.format(out=out, d=tmp_path)), captured.err
    assert captured.out == ""  # no validation report: refused before any work
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("name", ["kg.ttl", "kg.nt", "kg.rdf"])
def test_export_all_into_the_folder_of_its_input_refuses_before_writing_any_file(tmp_path, capsys, name):
    folder = tmp_path / "exports"
    folder.mkdir()
    data = folder / name
    if name == "kg.ttl":
        shutil.copyfile(DATA, data)
    else:
        assert (
            main(["export", "--graph", "data", "--format", "nt" if name == "kg.nt" else "xml", "--out", str(data)]) == 0
        )
        capsys.readouterr()
    before = _snapshot(tmp_path)
    assert main(["export", "--data", str(data), "--format", "all", "--out", str(folder)]) == 7
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        f"kg export: error: {data}: is an input of this command; refusing to overwrite it (choose another output)\n",
    )
    assert _snapshot(tmp_path) == before  # not one of the six files, no temporary


def _special_files(folder: Path) -> dict[str, Path]:
    """A FIFO, a Unix socket, a symbolic link to the FIFO, and (where this user may make one) a device node."""
    import os
    import socket
    import stat

    made = {"fifo": folder / "fifo.nt", "socket": folder / "socket.nt", "link": folder / "link.nt"}
    os.mkfifo(made["fifo"])
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(made["socket"]))
    made["link"].symlink_to(made["fifo"])
    try:  # a copy of /dev/null's node, here: what `--out /dev/null` did to the real one as root
        os.mknod(folder / "null.nt", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        made["device"] = folder / "null.nt"
    except PermissionError:
        pass
    return made


def test_a_device_fifo_or_socket_is_never_replaced_by_an_output(tmp_path, run_kg):
    """As root, `kg export --out /dev/null` renamed its finished temporary over /dev/null: the machine's
    /dev/null became a regular file. An output that is not a regular file is refused before any work."""
    for kind, target in _special_files(tmp_path).items():
        before = target.lstat()
        for command in (["export", "--format", "nt", "--out", str(target)], ["explore", "--out", str(target)]):
            code, _, err = run_kg(*command)
            assert code == 7, (kind, command, err)
            assert re.search(rf"{tmp_path}/\w+\.nt: is a (FIFO|socket|device), not a regular file", err), err
            assert target.lstat().st_mode == before.st_mode and target.lstat().st_ino == before.st_ino, kind
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporaries left


def _long_literal(path: Path, mib: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<http://example.org/a> rdfs:label "')
        handle.write("y" * (mib << 20))
        handle.write('"@en .\n')
    return path


def test_a_literal_longer_than_the_parser_takes_is_a_load_error_naming_the_file(tmp_path, run_kg):
    """17 MiB in one literal, in a file under the 64 MiB limit: a MemoryError with a traceback in every
    command; now exit 2 naming the file."""
    data = _long_literal(tmp_path / "long.ttl", 17)
    for command in (["query", "cq01"], ["validate"], ["stats"], ["explore", "--out", str(tmp_path / "e.html")]):
        code, _, err = run_kg(*command, "--data", str(data))
        assert code == 2, (command, err)
        assert f"{data}: Turtle error: a literal or IRI longer than 16 MiB" in err, err
        assert "Traceback" not in err
    assert not (tmp_path / "e.html").exists()


def test_a_literal_the_reader_takes_but_json_ld_cannot_check_is_an_output_error(tmp_path, run_kg):
    """15 MiB in one literal is read; written as JSON-LD it cannot be read back to be checked: exit 7,
    nothing written (the other formats are checked and written)."""
    data = _long_literal(tmp_path / "long.ttl", 15)
    out = tmp_path / "out.jsonld"
    code, _, err = run_kg("export", "--data", str(data), "--format", "jsonld", "--out", str(out))
    assert code == 7, err
    assert "the JSON-LD written cannot be read back to check it" in err
    assert not out.exists()


@pytest.mark.parametrize("command", ["export", "build"])
def test_ctrl_c_is_exit_130_and_every_output_as_it_was(tmp_path, run_kg, monkeypatch, command):
    """Ctrl-C while the RDF/XML is written (after the other formats): a KeyboardInterrupt traceback and
    exit 1 before; now exit 130, a message, and the output folder as it was."""
    from kg import writers

    def interrupted(source, to=None):
        raise KeyboardInterrupt

    monkeypatch.setitem(writers.WRITERS, "xml", interrupted)
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("as it was", encoding="utf-8")
    args = ["export", "--format", "all", "--out", str(out)] if command == "export" else ["build", "--out", str(out)]
    code, _, err = run_kg(*args)
    assert code == 130, err
    assert f"kg {command}: interrupted; every output is as it was or whole" in err
    assert sorted(p.name for p in out.iterdir()) == ["kept.txt"]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_os_error_anywhere_is_exit_7_naming_the_path(tmp_path, run_kg, monkeypatch):
    """An OS error that no check caught (a disk filling up mid-write, a cache location refused): exit 7
    and the path, not a traceback."""
    import errno

    from kg import writers

    def full(source, to=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "cache" / "index"))

    monkeypatch.setitem(writers.WRITERS, "nt", full)
    code, _, err = run_kg("export", "--format", "nt", "--out", str(tmp_path / "out.nt"))
    assert code == 7, err
    assert err.strip() == f"kg export: error: {tmp_path / 'cache' / 'index'}: No space left on device"


def test_explore_refuses_an_unwritable_output_before_its_work(tmp_path, run_kg, monkeypatch):
    """`kg explore` onto an output it cannot write was refused only after loading, projecting and rendering
    (export refused at once). Now explore checks its output first: the loading is never reached."""
    import sys

    def never(*args, **kwargs):
        raise AssertionError("the work started before the output was checked")

    monkeypatch.setattr(sys.modules["kg.load"], "load_graph", never)
    (tmp_path / "file").write_text("", encoding="utf-8")
    fifo = _special_files(tmp_path)["fifo"]
    for out, message in ((tmp_path / "file" / "e.html", "is not a directory"), (fifo, "is a FIFO")):
        code, _, err = run_kg("explore", "--out", str(out))
        assert code == 7, err
        assert message in err, err
