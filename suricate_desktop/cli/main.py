"""``suricate``: the headless commands.

Each sub-command lives in its own ``cmd_<name>.py`` module that defines
``register(subparsers)``; the parser it adds sets ``func`` to a
``run(args) -> int`` that returns the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .. import __version__

#: Sub-command modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "agent",
    "record",
    "replay",
    "query",
    "graph",
    "detect",
    "import",
    "lint",
    "translate",
    "templates",
    "rules",
    "worker",
    "job",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="suricate",
        description="Trace hosts, stream their aggregations over AMQP, record and replay them.",
    )
    parser.add_argument("--version", action="version", version=f"suricate {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".cmd_{name}", __package__).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=(logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # The commands' own progress lines ("record: 120 snapshots ...") show by default.
    logging.getLogger("suricate").setLevel(logging.DEBUG if args.verbose > 1 else logging.INFO)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
