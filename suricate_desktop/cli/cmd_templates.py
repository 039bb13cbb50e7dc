"""``suricate templates``: list the template library, or show one template's script."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "templates",
        help="list the script templates (D and bpftrace twins), or show one",
        description="List the template library (id, category, chart, title), or print one template's script.",
    )
    p.add_argument(
        "--lang",
        choices=("d", "bpftrace"),
        default=None,
        help="with --show: the script to print (default: both); in the list: show only this language's file name",
    )
    p.add_argument("--show", metavar="ID", help="print the template's description and script")
    p.add_argument(
        "--root", metavar="DIR", help="template folder (default: resources/templates of the checkout)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..lang.templates import TemplateError, get_template, load_templates  # deferred: tomllib, the files

    try:
        if args.show:
            try:
                t = get_template(args.show, args.root)
            except KeyError:
                print(f"suricate templates: no template {args.show!r}", file=sys.stderr)
                return 1
            if args.lang:
                sys.stdout.write(t.script(args.lang))
                return 0
            print(f"# {t.title}  [{t.category}, chart: {t.chart}, interval {t.interval:g} s]")
            print(f"# {t.description}")
            print("\n--- D (script.d)\n")
            sys.stdout.write(t.d_script)
            print(f"\n--- bpftrace (script.bt, {t.bt_origin})\n")
            sys.stdout.write(t.bt_script)
            return 0
        templates = load_templates(args.root)
    except (TemplateError, FileNotFoundError) as exc:
        print(f"suricate templates: {exc}", file=sys.stderr)
        return 1
    width = max((len(t.id) for t in templates), default=2)
    for t in templates:
        extra = ""
        if args.lang:
            extra = f"  {t.path / ('script.d' if args.lang == 'd' else 'script.bt')}" if t.path else ""
        print(f"{t.id:<{width}}  {t.category:<9} {t.chart:<10} {t.title}{extra}")
    return 0
