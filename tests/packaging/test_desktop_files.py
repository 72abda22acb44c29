"""Desktop integration files validate with the freedesktop tools, and every place that names the
application id or the version agrees with the one source (src/leaddesk/__init__.py)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from leaddesk import __version__
from tests.packaging.support import APP_ID, PACKAGING, ROOT, require

DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"


def problems(output: str, prefixes: tuple[str, ...]) -> list[str]:
    return [line for line in output.splitlines() if line.strip().startswith(prefixes)]


def test_desktop_file_validates() -> None:
    require(shutil.which("desktop-file-validate") is not None, "desktop-file-validate (desktop-file-utils)")
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in result.stdout.splitlines() if "error:" in line or "warning:" in line]


def test_metainfo_validates() -> None:
    require(shutil.which("appstreamcli") is not None, "appstreamcli (appstream)")
    result = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain", str(METAINFO)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not problems(result.stdout, ("E:", "W:")), result.stdout


def test_desktop_file_launches_leaddesk_with_the_app_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    main = entry["Desktop Entry"]
    assert main["Exec"].split()[0] == "leaddesk"
    assert main["Icon"] == APP_ID
    assert entry["Desktop Action demo"]["Exec"] == "leaddesk demo"


def test_metainfo_names_the_current_version_first() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    releases = [r.get("version") for r in root.iter("release")]
    assert releases, "no <release> entry"
    assert releases[0] == __version__, "add a <release> entry (docs/RELEASING.md)"
    shots = [image.text or "" for image in root.iter("image")]
    for shot in shots:  # every screenshot is one of the committed ones in docs/
        assert (ROOT / "docs" / shot.rsplit("/", 1)[-1]).is_file(), shot


def test_the_app_id_is_the_same_everywhere() -> None:
    for path in (PACKAGING / "leaddesk.spec", PACKAGING / "windows" / "leaddesk.iss",
                 ROOT / "src" / "leaddesk" / "ui" / "app.py", PACKAGING / "linux" / "install.sh"):
        assert APP_ID in path.read_text(encoding="utf-8"), path


def test_the_version_is_written_down_only_in_its_one_place() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert re.search(r'^version\s*=\s*\{\s*attr\s*=\s*"leaddesk.__version__"', pyproject, re.M)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    # Build scripts and installer definitions read it; none repeats it.
    for path in PACKAGING.rglob("*"):
        if path.is_file() and path.suffix in {".sh", ".ps1", ".iss", ".spec", ".py", ".desktop"} \
                and "systemd" not in path.parts:  # packaging/systemd belongs to the server setup
            assert __version__ not in path.read_text(encoding="utf-8"), path
