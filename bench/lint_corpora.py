"""Measure the D linter against scripts nobody here wrote: DTrace's must-reject tests and the DTraceToolkit.

    python bench/lint_corpora.py [--corpora tests/data/corpora] [--list missed|false|wrongline|wrongtag]
                                 [--misses]

* ``dtrace-utils-err``: 552 ``err.D_*.d`` scripts DTrace must reject.  The error
  DTrace reports (tag, line, wording) comes from upstream's ``.r`` files, kept in
  ``tests/data/dtrace_err/expected.json`` (367 of them give a line; the others
  only the tag, from the file name).  A script counts as *caught at the right
  line* when lint's first error is on DTrace's line (any error where the line is
  unknown); *with DTrace's tag* when that error also carries the expected D_* code;
  *with DTrace's message* when, where upstream gives one, the error's message
  starts with it (365 scripts; two whose message holds a pointer are left out).
  ``--misses`` prints, for every script not caught at the line with tag and
  message, what DTrace says and what lint says.
* ``dtracetoolkit`` (193 valid scripts), ``dtrace-utils-tst`` (DTrace's 897
  ``tst.*.d`` tests, valid D for DTrace on Linux) and the repository's own D
  scripts (resources/templates, tests/corpus/d/valid): a *false error* is a
  script with any lint error.

Prints the rates and the time the whole run took.  The same functions serve
``tests/test_lint_corpora.py``, which asserts the rates.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from suricate_desktop.lang.diagnostics import Diagnostic  # noqa: E402
from suricate_desktop.lang.lint import lint  # noqa: E402

CORPORA = ROOT / "tests" / "data" / "corpora"
EXPECTED = ROOT / "tests" / "data" / "dtrace_err" / "expected.json"


@dataclass
class RejectResult:
    total: int = 0
    rejected: int = 0  # any error
    right_line: int = 0  # first error on DTrace's line (any error where the line is unknown)
    right_tag: int = 0  # ... and with DTrace's D_* tag
    known_lines: int = 0
    with_message: int = 0  # scripts where upstream gives a (comparable) message
    right_message: int = 0  # ... and lint's first error starts with it
    right_all: int = 0  # at DTrace's line, with its tag and (where known) its message
    missed: list[str] = field(default_factory=list)
    wrong_line: list[str] = field(default_factory=list)
    wrong_tag: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # not at line+tag+message: DTrace's verdict, then ours


def first_error(text: str, name: str) -> Diagnostic | None:
    errs = [d for d in lint(text, "d", file=name) if d.severity == "error"]
    return errs[0] if errs else None


def comparable_message(want: dict[str, object]) -> str | None:
    """DTrace's message for a script, as lint's must start with it (None: upstream gives none we can compare)."""
    msg = want.get("message")
    if not isinstance(msg, str) or not msg or "{ptr}" in msg:
        return None
    return msg.rstrip(":")


def _miss(name: str, want: dict[str, object], got: Diagnostic | None) -> str:
    ours = "nothing" if got is None else f"{getattr(got, 'code', None)} line {got.line}: {got.message}"
    return (
        f"{name}\n      dtrace: {want['tag']} line {want.get('line', '?')}: {want.get('message', '')}"
        f"\n      lint:   {ours}"
    )


def must_reject(corpora: pathlib.Path = CORPORA) -> RejectResult:
    expected = json.loads(EXPECTED.read_text())
    res = RejectResult()
    for path in sorted((corpora / "dtrace-utils-err").glob("*.d")):
        want = expected[path.name]
        res.total += 1
        got = first_error(path.read_text(encoding="utf-8", errors="replace"), path.name)
        if "line" in want:
            res.known_lines += 1
        msg = comparable_message(want)
        msg_ok = msg is None or (got is not None and got.message.startswith(msg))
        if msg is not None:
            res.with_message += 1
            res.right_message += msg_ok
        line_ok = got is not None and ("line" not in want or got.line == want["line"])
        tag_ok = line_ok and getattr(got, "code", None) == want["tag"]
        if tag_ok and msg_ok:
            res.right_all += 1
        else:
            res.misses.append(_miss(path.name, want, got))
        if got is None:
            res.missed.append(path.name)
            continue
        res.rejected += 1
        if "line" in want and got.line != want["line"]:
            res.wrong_line.append(f"{path.name}: line {got.line} not {want['line']}: {got.message}")
            continue
        res.right_line += 1
        if getattr(got, "code", None) == want["tag"]:
            res.right_tag += 1
        else:
            res.wrong_tag.append(
                f"{path.name}: {getattr(got, 'code', None)} not {want['tag']}: {got.message}"
            )
    return res


def valid_files(corpora: pathlib.Path = CORPORA) -> dict[str, list[pathlib.Path]]:
    return {
        "dtracetoolkit": sorted((corpora / "dtracetoolkit").glob("*.d")),
        "dtrace-utils-tst": sorted((corpora / "dtrace-utils-tst").glob("*.d")),
        "repository": sorted((ROOT / "resources" / "templates").glob("*/*.d"))
        + sorted((ROOT / "tests" / "corpus" / "d" / "valid").glob("*.d")),
    }


def false_errors(files: list[pathlib.Path]) -> list[str]:
    out = []
    for path in files:
        got = first_error(path.read_text(encoding="utf-8", errors="replace"), path.name)
        if got is not None:
            out.append(f"{path.name}:{got.line}: {getattr(got, 'code', None)} {got.message}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=pathlib.Path, default=CORPORA)
    ap.add_argument(
        "--list", choices=("missed", "false", "wrongline", "wrongtag"), action="append", default=[]
    )
    ap.add_argument(
        "--misses",
        action="store_true",
        help="print every must-reject script not caught at DTrace's line with its tag and message",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    r = must_reject(args.corpora)
    pct = lambda n, d: f"{n}/{d} ({100 * n / d:.1f} %)"  # noqa: E731
    print("dtrace-utils err.D_*.d (must reject):")
    print(f"  rejected (any error)            {pct(r.rejected, r.total)}")
    print(f"  first error at DTrace's line    {pct(r.right_line, r.total)}  (line known for {r.known_lines})")
    print(f"  ... and with DTrace's D_* tag   {pct(r.right_tag, r.total)}")
    print(
        f"  ... and with DTrace's message   {pct(r.right_all, r.total)}  (message where upstream gives one)"
    )
    print(f"  message starts with DTrace's    {pct(r.right_message, r.with_message)}")
    if args.misses:
        print("\n".join("    " + m for m in r.misses))
    if "missed" in args.list:
        print("\n".join("    missed " + m for m in r.missed))
    if "wrongline" in args.list:
        print("\n".join("    " + m for m in r.wrong_line))
    if "wrongtag" in args.list:
        print("\n".join("    " + m for m in r.wrong_tag))
    for name, files in valid_files(args.corpora).items():
        bad = false_errors(files)
        print(f"{name} (valid): false errors {pct(len(bad), len(files))}")
        if "false" in args.list:
            print("\n".join("    " + b for b in bad))
    print(f"time: {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
