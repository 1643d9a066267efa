"""The package works installed as a wheel, outside the clone: resources travel inside it."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from kg import resources

ROOT = resources.root()
#: pip's arguments that install the wheel alone, from the file and nothing else.
INSTALL = ["install", "--quiet", "--no-deps", "--no-index"]


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
    venv.create(env_dir, with_pip=False)  # the outer pip installs into it (--python): no ensurepip to wait for
    python = env_dir / "bin" / "python"
    # The dependencies come from the environment running the tests (a venv, as the README sets
    # up, or a system-wide install): its site-packages is put on the inner venv's path as a
    # plain folder, so its .pth files (the editable install of kg) are not processed and kg is
    # imported from the wheel alone.
    inner_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (inner_site / "outer-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *INSTALL, str(wheel)],
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
    assert where.returncode == 0, where.stderr
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
    # the offline console's engine travels in the wheel too (vendored, nothing fetched)
    names = set(zipfile.ZipFile(wheel).namelist())
    for vendored in ("web.js", "web_bg.wasm.gz", "LICENSE-MIT", "LICENSE-APACHE-2.0"):
        assert f"kg/templates/vendor/oxigraph/{vendored}" in names, vendored
    assert "kg/templates/explorer/sparql-worker.js" in names and "kg/templates/sparql-boot.js" in names
