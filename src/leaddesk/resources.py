"""Where the bundled resources (demo mailbox, demo site, icons) are, installed or in a checkout."""

from __future__ import annotations

import os
from pathlib import Path

from leaddesk.errors import LeadDeskError

ENV_RESOURCES = "LEADDESK_RESOURCES"


def resources_dir() -> Path:
    """The resources folder: $LEADDESK_RESOURCES, the copy inside the package, or the checkout's."""
    here = Path(__file__).resolve().parent
    candidates = [Path(p) for p in (os.environ.get(ENV_RESOURCES),) if p]
    candidates += [here / "resources", here.parents[1] / "resources"]
    for candidate in candidates:
        if (candidate / "demo").is_dir():
            return candidate
    raise LeadDeskError("the bundled resources (demo mailbox) are missing from this installation; "
                        "reinstall LeadDesk")


def demo_mailbox() -> Path:
    return resources_dir() / "demo" / "mailbox"
