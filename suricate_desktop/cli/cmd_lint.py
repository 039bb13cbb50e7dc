"""``suricate lint FILE... [--lang d|bpftrace] [--json] [--platform P] [--compiler/--no-compiler]``.

Prints ``FILE:LINE:COL: error|warning: message`` per finding (or one JSON
document with ``--json``) and exits 1 when any file has an error, 0 otherwise.
Where the real compiler is installed (bpftrace as root, dtrace) it has the last
word on errors unless ``--no-compiler`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ..lang.diagnostics import Diagnostic
from .options import LazyChoices

if TYPE_CHECKING:
    from .options import Subparsers


def _platforms() -> tuple[str, ...]:
    from ..lang.vocabulary import PLATFORMS  # deferred: loads with the linter, not with `suricate --help`

    return PLATFORMS


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "lint",
        help="check D and bpftrace scripts",
        description="Check D and bpftrace scripts: syntax, functions and their arguments, built-ins, "
        "and warnings about scripts that have nothing to plot.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="script to check ('-' reads standard input)")
    p.add_argument(
        "--lang", choices=("d", "bpftrace"), help="language (default: from the file name and content)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON document for tools")
    p.add_argument(
        "--platform", help="warn about providers and functions this OS lacks"
    ).choices = LazyChoices(_platforms)
    p.add_argument(
        "--compiler",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="let the real compiler (bpftrace -d/--dry-run, dtrace -e, python-dtrace) have the last word "
        "where it is installed (default: on)",
    )
    p.set_defaults(func=run)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def run(args: argparse.Namespace) -> int:
    from ..lang.lint import check, detect_lang  # deferred: keeps `suricate --help` fast

    compilers: dict[str, str | None] = {}
    if args.compiler:
        from ..lang.compilers import available_compiler

    results = []
    for path in args.files:
        name = "<stdin>" if path == "-" else path
        try:
            text = _read(path)
        except OSError as exc:
            diags = [Diagnostic(0, 0, "error", f"cannot read file: {exc.strerror or exc}", name)]
            results.append({"file": name, "lang": args.lang, "compiler": None, "diagnostics": diags})
            continue
        lang = args.lang or detect_lang(None if path == "-" else path, text)
        compiler = None
        if args.compiler:
            if lang not in compilers:
                compilers[lang] = available_compiler(lang)
            compiler = compilers[lang]
        diags = check(text, lang, name, args.platform, compiler=compiler is not None)
        results.append({"file": name, "lang": lang, "compiler": compiler, "diagnostics": diags})

    all_diags = [d for r in results for d in r["diagnostics"]]
    errors = sum(1 for d in all_diags if d.severity == "error")
    warnings = len(all_diags) - errors
    try:
        _print(results, errors, warnings, args.json)
    except BrokenPipeError:  # `suricate lint ... | head`
        pass
    return 1 if errors else 0


def _print(results: list[dict[str, Any]], errors: int, warnings: int, as_json: bool) -> None:
    if as_json:
        doc = {
            "files": [
                {
                    "file": r["file"],
                    "lang": r["lang"],
                    "compiler": r["compiler"],
                    "diagnostics": [d.to_dict() for d in r["diagnostics"]],
                }
                for r in results
            ],
            "errors": errors,
            "warnings": warnings,
        }
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for r in results:
            for d in r["diagnostics"]:
                print(d.format())
