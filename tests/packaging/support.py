"""What the packaging tests share: the checkout's paths, a clean environment for an installed
LeadDesk, the offscreen smoke start, and "skip here, fail on CI" for missing build tools."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from leaddesk import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "org.leaddesk.LeadDesk"
SMOKE_OK = re.compile(rf"^leaddesk {re.escape(__version__)} smoke test: window shown, (\d+) messages listed$",
                      re.M)


def require(available: bool, what: str) -> None:
    """Skip when a tool is missing on a developer machine; on CI a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing on CI (bash packaging/dev.sh test installs it)")
    pytest.skip(f"{what} is not installed (bash packaging/dev.sh test installs it)")


def installed_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a user who installed LeadDesk: no checkout on the path, own data dirs."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LEADDESK_", "PYTHON", "VIRTUAL_ENV"))}
    env.update({
        "LEADDESK_DATA_DIR": str(tmp_path / "data"), "LEADDESK_CONFIG_DIR": str(tmp_path / "config"),
        "HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen",
    })
    return env


def smoke_start(command: list[str], tmp_path: Path) -> int:
    """Open the window on the demo data offscreen; returns how many messages the inbox listed."""
    env = installed_env(tmp_path) | {"LEADDESK_SMOKE_TEST": "1"}
    result = subprocess.run([*command, "demo"], env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    found = SMOKE_OK.search(result.stdout)
    assert found, result.stdout + result.stderr
    return int(found.group(1))
