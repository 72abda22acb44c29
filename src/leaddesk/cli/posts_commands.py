"""`leaddesk posts`, `sites` and `topics`: the post beside every message, from the command line.

``posts`` lists the posts with their lead counts; ``posts refresh`` looks them up now. ``sites``
keeps the allowlist of the team's own sites (nothing else is ever requested). ``topics`` edits how
a post's categories and tags map to topics of interest, and re-derives topics after a change.
"""

from __future__ import annotations

import argparse
from typing import TypeAlias

from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.cli.progress import ProgressBar
from leaddesk.posts import catalog, sites, topics
from leaddesk.posts.resolve import resolve_posts

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
STATE_LABELS = {"resolved": "ok", "pending": "pending", "failed": "failed",
                "not-allowed": "not on sites list"}


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("posts", help="the blog posts leads came from, with lead counts")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(handler=run_posts)
    posts_sub = p.add_subparsers(dest="posts_command", metavar="COMMAND")
    q = posts_sub.add_parser("list", help="the posts with their lead counts (the default)")
    q.add_argument("--json", action="store_true", help="one JSON object per line")
    q.set_defaults(handler=run_posts)
    q = posts_sub.add_parser("refresh", help="look the posts up on the team's sites now")
    q.add_argument("--due", action="store_true",
                   help="only posts that are due (new, stale, or past their retry time)")
    q.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    q.set_defaults(handler=run_posts_refresh)

    p = sub.add_parser("sites", help="the team's own sites: the only hosts posts are fetched from")
    sites_sub = p.add_subparsers(dest="sites_command", metavar="COMMAND", required=True)
    q = sites_sub.add_parser("add", help="allow a site (its origin: scheme, host and port)")
    q.add_argument("url", metavar="URL")
    q.add_argument("--name", help="a name for people")
    q.add_argument("--fetch-base", metavar="URL",
                   help="fetch this site's pages from here instead (a mirror or staging copy)")
    q.set_defaults(handler=run_sites_add)
    q = sites_sub.add_parser("list", help="the allowed sites")
    q.add_argument("--json", action="store_true", help="one JSON object per line")
    q.set_defaults(handler=run_sites_list)
    q = sites_sub.add_parser("remove", help="stop fetching from a site")
    q.add_argument("url", metavar="URL")
    q.set_defaults(handler=run_sites_remove)

    p = sub.add_parser("topics", help="how post categories and tags map to topics of interest")
    topics_sub = p.add_subparsers(dest="topics_command", metavar="COMMAND", required=True)
    q = topics_sub.add_parser("list", help="every mapping and known term with the topic it gives")
    q.add_argument("--json", action="store_true", help="one JSON object per line")
    q.set_defaults(handler=run_topics_list)
    q = topics_sub.add_parser("map", help="map a category or tag to a topic")
    q.add_argument("kind", choices=topics.KINDS)
    q.add_argument("term", metavar="TERM")
    q.add_argument("topic", metavar="TOPIC", nargs="?",
                   help="the topic (leave out with --none)")
    q.add_argument("--none", action="store_true", help="this term gives no topic")
    q.set_defaults(handler=run_topics_map)
    q = topics_sub.add_parser("unmap", help="remove a mapping (a category is then its own topic)")
    q.add_argument("kind", choices=topics.KINDS)
    q.add_argument("term", metavar="TERM")
    q.set_defaults(handler=run_topics_unmap)
    q = topics_sub.add_parser("rederive", help="re-derive mapped topics after the mapping changed")
    q.set_defaults(handler=run_topics_rederive)


def run_posts(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        found = catalog.list_posts(session)
    if args.json:
        output.json_lines((p.as_json() for p in found), ctx.out)
        return 0
    output.table(["ID", "LEADS", "STATE", "PUBLISHED", "TITLE", "URL"],
                 ([str(p.id), str(p.leads), STATE_LABELS.get(p.state, p.state),
                   p.published_at.date().isoformat() if p.published_at else "",
                   output.clip(p.title, 48), p.url] for p in found), ctx.out)
    return 0


def run_posts_refresh(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    with db.session() as session:
        allowed = sites.list_sites(session)
    if not allowed:
        ctx.err.write("leaddesk: no sites on the allowlist, so no post is looked up; "
                      "add yours with `leaddesk sites add https://www.example.com`\n")
    report = resolve_posts(db, everything=not args.due, reporter=ProgressBar(ctx.err))
    if args.json:
        output.json_lines([{
            "resolved": report.resolved, "unchanged": report.unchanged, "failed": report.failed,
            "not_allowed": report.not_allowed, "snapshots": report.snapshots,
            "topics": report.topics, "seconds": round(report.seconds, 3),
            "failures": [{"url": url, "error": error} for url, error in report.failures],
        }], ctx.out)
    else:
        ctx.out.write(report.summary() + "\n")
    return 0


def run_sites_add(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        site = sites.add_site(session, args.url, name=args.name, fetch_base=args.fetch_base)
    via = f" (fetched from {site.fetch_base})" if site.fetch_base else ""
    ctx.out.write(f"allowed {site.origin}{via}; `leaddesk posts refresh` looks its posts up\n")
    return 0


def run_sites_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        found = sites.list_sites(session)
    if args.json:
        output.json_lines((s.as_json() for s in found), ctx.out)
    else:
        output.table(["ORIGIN", "NAME", "FETCHED FROM"],
                     ([s.origin, s.name or "", s.fetch_base or ""] for s in found), ctx.out)
    return 0


def run_sites_remove(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        sites.remove_site(session, args.url)
    ctx.out.write(f"removed {sites.origin_of(args.url) or args.url}; its posts stay as they are\n")
    return 0


def run_topics_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        found = topics.list_mappings(session)
    if args.json:
        output.json_lines((m.as_json() for m in found), ctx.out)
        return 0
    output.table(["KIND", "TERM", "TOPIC", "HOW", "POSTS"],
                 ([m.kind, m.term, m.topic or "(no topic)", "mapped" if m.explicit else "default",
                   str(m.posts)] for m in found), ctx.out)
    return 0


def run_topics_map(args: argparse.Namespace, ctx: Context) -> int:
    from leaddesk.errors import ValidationError
    if args.none == bool(args.topic):
        raise ValidationError("give either a TOPIC or --none")
    with ctx.database().session() as session:
        topics.set_mapping(session, args.kind, args.term, None if args.none else args.topic)
    target = "no topic" if args.none else repr(args.topic)
    ctx.out.write(f"{args.kind} {args.term!r} → {target}; "
                  f"`leaddesk topics rederive` applies it to the leads\n")
    return 0


def run_topics_unmap(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        topics.remove_mapping(session, args.kind, args.term)
    ctx.out.write(f"removed the mapping of {args.kind} {args.term!r}; "
                  f"`leaddesk topics rederive` applies it to the leads\n")
    return 0


def run_topics_rederive(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        changed = topics.rederive(session, actor=ctx.actor)
    ctx.out.write(f"{changed} lead{'s' if changed != 1 else ''} got a new topic\n")
    return 0
