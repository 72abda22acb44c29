"""`leaddesk accounts add api NAME --preset …` and the sync of API accounts from the command line.

The token is read from standard input and goes to the keyring only; the account row keeps the
preset, base URL, form id and the configuration (``--config FILE`` for the generic source).
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

from leaddesk import accounts
from leaddesk.accounts import AccountInfo
from leaddesk.cli.context import Context
from leaddesk.cli.options import read_secret, require_secret
from leaddesk.cli.progress import ProgressBar
from leaddesk.db import Database
from leaddesk.errors import ValidationError
from leaddesk.ingest import api
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken


def add_api_parser(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `api` kind of `leaddesk accounts add`."""
    labels = ", ".join(f"{name} ({info.label})" for name, info in api.PRESETS.items())
    p = kinds.add_parser("api", help="a form backend's API: Netlify, Formspree, Gravity Forms, "
                                     "HubSpot, Typeform or any JSON API",
                         description=f"Presets: {labels}. The token is read from standard input "
                                     f"(--token-stdin) and kept in the keyring.")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--preset", required=True, choices=list(api.PRESETS))
    p.add_argument("--base-url", metavar="URL",
                   help="the API's root (required for gravityforms: the WordPress site); for a "
                        "self-hosted site, a proxy or a test server")
    p.add_argument("--form", metavar="ID", help="the form id (hashid, GUID) to read")
    p.add_argument("--site", metavar="ID", help="netlify: every form of this site instead of --form")
    p.add_argument("--config", metavar="FILE",
                   help="JSON (or TOML) file: the generic source's URL, auth, pagination and field "
                        "mapping, or preset options such as per_page")
    p.add_argument("--token-stdin", action="store_true",
                   help="read the token from standard input (it goes to the keyring)")
    p.set_defaults(handler=run_add_api)


def read_config(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    file = Path(path)
    if file.exists() and not file.is_file():  # a folder, a pipe or a device
        raise ValidationError(f"the configuration {path} is not a file")
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot read the configuration {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValidationError(f"the configuration {path} is not UTF-8 text") from None
    try:
        data = tomllib.loads(text) if file.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError(f"the configuration {path} is not valid "
                              f"{'TOML' if file.suffix.lower() == '.toml' else 'JSON'}: {exc}") from None
    if not isinstance(data, dict):
        raise ValidationError(f"the configuration {path} must hold an object (keys and values)")
    return data


def run_add_api(args: argparse.Namespace, ctx: Context) -> int:
    if not args.token_stdin:  # before reading the config: the usage error comes first
        require_secret(False, "token")
    config = read_config(args.config)
    if args.site:
        config["site"] = args.site
    settings = api.check_settings(args.preset, base_url=args.base_url, form=args.form, config=config)
    token = read_secret("token")
    info = accounts.save_account(ctx.database(), args.name, settings, kind="api", secret=token,
                                 actor=ctx.actor)
    preset = api.PRESETS[args.preset]
    what = f"form {settings['form']}" if settings.get("form") else \
        f"site {config['site']}" if config.get("site") else "as configured"
    ctx.out.write(f"added {preset.label} account {info.name} ({what}); run `leaddesk sync "
                  f"{info.name}`\n")
    return 0


def sync_api(db: Database, account: AccountInfo, ctx: Context, cancel: CancelToken) -> BatchResult:
    """`leaddesk sync` for one API account: the token from the keyring, progress on stderr."""
    return api.sync_with_keyring(db, account, reporter=ProgressBar(ctx.err), cancel=cancel)
