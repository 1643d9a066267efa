"""A build switches each output whole, even when killed: no half-deleted folder, no litter afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import output
from kg.build import remove_stale_staging
from kg.errors import OutputError
from kg.output import replace_path


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _folder(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "rename-aside"])
def test_a_folder_output_is_replaced_whole(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    target = _folder(tmp_path / "export", {"kg.ttl": "old", "kg.nt": "old", "stale.txt": "only in the old one"})
    new = _folder(tmp_path / ".staging", {"kg.ttl": "new", "kg.nt": "new"})
    replace_path(new, target)
    assert _tree(target) == {"kg.ttl": b"new", "kg.nt": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_a_file_output_and_a_failed_switch(tmp_path):
    new = tmp_path / "new.html"
    new.write_text("new", encoding="utf-8")
    replace_path(new, tmp_path / "explorer.html")
    assert (tmp_path / "explorer.html").read_text(encoding="utf-8") == "new"
    with pytest.raises(OutputError, match=r"cannot put the new output in place"):
        replace_path(tmp_path / "missing", tmp_path / "explorer.html")


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_staging_folders_of_killed_builds_are_removed(tmp_path):
    dead = _folder(tmp_path / f".kg-build-{_dead_pid()}-x1", {"explorer.html": "half"})
    alive = _folder(tmp_path / f".kg-build-{os.getpid()}-x2", {"explorer.html": "in progress"})
    assert remove_stale_staging(tmp_path) == [dead]
    assert alive.exists() and not dead.exists()


@pytest.mark.slow
def test_kill_9_during_a_build_leaves_every_output_whole(tmp_path, kg, built):
    """kill -9 while a build stages its outputs: the previous build (a copy of the run's one) stays whole;
    the next build cleans up."""
    out = built.copy(tmp_path / "build")
    before = _tree(out)
    script = Path(sys.executable).parent / "kg"
    process = subprocess.Popen(
        [str(script), "build", "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    try:
        while not any(out.glob(".kg-build-*/*")):  # the new build has started writing its outputs
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the build never started staging"
            time.sleep(0.01)  # polling interval while waiting for a file, bounded by the deadline
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
    assert {p.name for p in out.glob(".kg-build-*")}, "the killed build left its staging folder"
    after = {name: text for name, text in _tree(out).items() if not name.startswith(".kg-build-")}
    assert after.keys() == before.keys()  # nothing half-deleted, nothing half-moved
    again = kg("build", "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(".kg-build-*")) and not list(out.rglob("*.tmp"))
    assert _tree(out).keys() == before.keys()
