"""Commands whose feature arrives in a later release: each says so in one line and exits 1.

Their names and options are already part of the public command line, so scripts written today keep
working when the feature lands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from leaddesk.cli.context import Context
from leaddesk.errors import NotYetAvailableError

Handler = Callable[[argparse.Namespace, Context], int]


def not_yet(feature: str) -> Handler:
    def handler(args: argparse.Namespace, ctx: Context) -> int:
        raise NotYetAvailableError(f"{feature} is not in this release yet; it comes with the "
                                   f"next ones (see README, Roadmap)")
    return handler
