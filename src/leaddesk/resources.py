"""Where the bundled resources (demo mailbox, demo site, icons) are: checkout, wheel or frozen bundle.

The files live once, in the checkout's top-level ``resources/`` folder. Building a wheel copies them
into the package as ``leaddesk/_resources`` (see setup.py), and the PyInstaller spec puts them at the
same place inside the bundle, so an installed LeadDesk finds them beside its own code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from leaddesk.errors import LeadDeskError

ENV_RESOURCES = "LEADDESK_RESOURCES"
PACKAGED_NAME = "_resources"  # the folder's name inside the installed package


def candidate_dirs() -> list[Path]:
    """Where the resources may be, in the order they are tried."""
    here = Path(__file__).resolve().parent
    candidates = [Path(p) for p in (os.environ.get(ENV_RESOURCES),) if p]
    frozen_root = getattr(sys, "_MEIPASS", None)  # set by a PyInstaller bundle
    if frozen_root:
        candidates.append(Path(frozen_root) / "leaddesk" / PACKAGED_NAME)
    candidates.append(here / PACKAGED_NAME)          # an installed wheel
    candidates.append(here.parents[1] / "resources")  # a source checkout (src/leaddesk -> ./resources)
    return candidates


def resources_dir() -> Path:
    """The resources folder: $LEADDESK_RESOURCES, the copy inside the package, or the checkout's."""
    for candidate in candidate_dirs():
        if (candidate / "demo").is_dir():
            return candidate
    raise LeadDeskError("the bundled resources (demo mailbox) are missing from this installation; "
                        "reinstall LeadDesk")


def demo_mailbox() -> Path:
    return resources_dir() / "demo" / "mailbox"
