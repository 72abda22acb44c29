"""`python -m build` makes an sdist and a wheel that install into a clean virtual environment and
run there: `leaddesk --version`, and the window on the demo data (offscreen), with the demo mailbox
and the migrations read from the installed package, not from this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from leaddesk import __version__
from tests.packaging.support import ROOT, installed_env, smoke_start

pytestmark = pytest.mark.slow

NAME = f"leaddesk-{__version__}"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built once from this checkout (the wheel from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (no system site-packages) with only the wheel installed."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=120)
    wheel = dist / f"{NAME}-py3-none-any.whl"
    # Without the checkout on PYTHONPATH: pip would find its leaddesk.egg-info there, take the
    # package as installed and install only its dependencies (no `leaddesk` command).
    result = subprocess.run([str(root / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                            capture_output=True, text=True, timeout=900,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root


def test_the_wheel_carries_the_resources_and_migrations(dist: Path) -> None:
    wheel = zipfile.ZipFile(dist / f"{NAME}-py3-none-any.whl")
    names = set(wheel.namelist())
    demo = [n for n in names if n.startswith("leaddesk/_resources/demo/mailbox/")]
    assert len(demo) >= 20
    assert "leaddesk/_resources/icons/leaddesk.svg" in names
    assert "leaddesk/db/migrations/env.py" in names
    assert any(n.startswith("leaddesk/db/migrations/versions/r0001_") for n in names)
    assert "leaddesk/py.typed" in names
    assert "leaddesk = leaddesk.cli:main" in wheel.read(f"{NAME}.dist-info/entry_points.txt").decode()
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_the_sdist_can_rebuild_the_wheel(dist: Path) -> None:
    with tarfile.open(dist / f"{NAME}.tar.gz") as sdist:
        names = set(sdist.getnames())
    for needed in ("setup.py", "pyproject.toml", "MANIFEST.in", "CHANGELOG.md",
                   "resources/icons/leaddesk.svg", "src/leaddesk/db/migrations/script.py.mako"):
        assert f"{NAME}/{needed}" in names, needed
    assert any(n.startswith(f"{NAME}/resources/demo/mailbox/") for n in names)


def test_the_installed_command_reports_the_version(venv: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(venv / "bin" / "leaddesk"), "--version"], env=installed_env(tmp_path),
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"leaddesk {__version__}"


def test_the_installed_package_reads_its_own_resources(venv: Path, tmp_path: Path) -> None:
    code = "import leaddesk.resources as r; print(r.resources_dir()); print(r.demo_mailbox().is_dir())"
    result = subprocess.run([str(venv / "bin" / "python"), "-c", code], env=installed_env(tmp_path),
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    where, exists = result.stdout.split()
    assert Path(where).is_relative_to(venv)
    assert exists == "True"


def test_the_installed_window_opens_on_the_demo(venv: Path, tmp_path: Path) -> None:
    assert smoke_start([str(venv / "bin" / "leaddesk")], tmp_path) > 0
