"""``suricate translate FILE.d``: print the bpftrace equivalent of a D script.

Errors (constructs without a bpftrace equivalent) go to stderr as
``FILE:LINE:COL: error: message`` and the exit status is 1; warnings
(translated with a caveat) go to stderr as ``FILE:LINE:COL: warning: ...``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..lang import ScriptError
from .options import LazyChoices

if TYPE_CHECKING:
    from .options import Subparsers


def _architectures() -> list[str]:
    from ..lang.translate import supported_architectures  # deferred: the translator's tables

    return supported_architectures()


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "translate",
        help="print the bpftrace equivalent of a D script",
        description="Translate a D (DTrace) script into bpftrace 0.17 and print it. Constructs without a "
        "bpftrace equivalent are reported as FILE:LINE:COL: error: ... on stderr (exit status 1).",
    )
    p.add_argument("file", metavar="FILE.d", help="the D script ('-' reads stdin)")
    p.add_argument(
        "--arch",
        default=None,
        help="system call numbering for probefunc on every system call (default: this machine's)",
    ).choices = LazyChoices(_architectures)
    p.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..lang.translate import translate_program

    name = "<stdin>" if args.file == "-" else args.file
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"suricate translate: {exc}", file=sys.stderr)
        return 2
    try:
        result = translate_program(text, name, arch=args.arch)
    except ScriptError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return 1
    if not args.quiet:
        for d in result.warnings:
            print(d.format(), file=sys.stderr)
    sys.stdout.write(result.text)
    return 0
