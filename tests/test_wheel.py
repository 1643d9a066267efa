"""The package works installed as a wheel, outside the clone: resources travel inside it."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from kg import resources

ROOT = resources.root()


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_validates_from_elsewhere(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("kg_iran_kazakhstan-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)  # dependencies come from this machine
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import kg, kg.resources as r; print(kg.__file__); print(r.root())"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        check=False,
    )
    module_file, root = where.stdout.splitlines()
    assert Path(module_file).is_relative_to(env_dir)
    assert Path(root) == Path(module_file).parent / "_resources"
    for shipped in ("ontology/kg.ttl", "ontology/shapes.ttl", "data/article.ttl", "data/article.txt", "queries"):
        assert (Path(root) / shipped).exists(), shipped

    done = subprocess.run(
        [str(env_dir / "bin" / "kg"), "validate"], capture_output=True, text=True, cwd=elsewhere, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("conforms")
