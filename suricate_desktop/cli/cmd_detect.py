"""``suricate detect``: score a series with a named detector, without the GUI.

Reads a ``timestamp,value`` CSV (NAB's files; ``-`` for stdin) or one key of a recording's stream,
scores it point by point from the past only with a fresh detector (what the live scorer and
bench/nab.py do: ``analytics.nab.score_series``), and writes ``timestamp,value,anomaly_score``
(``--why``: and ``reason``, what made each point at or past the detector's threshold unusual).
Exit status: 0 scored; 1 input that cannot be scored (a one-line message says why); 2 a bad
command line (an unknown detector or parameter, a value out of its range: ``detectors.limits``).
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .options import Subparsers

#: The detector used when none is named: the workbench's default (docs/analytics.md, the first choice
#: of Analytics > Learn baseline). Written out here so that ``--help`` needs no numpy; tests/test_detect.py
#: checks it is a registered detector.
DEFAULT_DETECTOR = "calibrated"


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "detect",
        help="score a timestamp,value CSV or a recording's series with a detector",
        description="Score a series from the past only, as live scoring does, and write "
        "timestamp,value,anomaly_score as CSV.",
    )
    p.add_argument(
        "csv",
        nargs="?",
        metavar="CSV",
        help="a timestamp,value CSV with a header row, rows in time order (timestamps YYYY-MM-DD HH:MM:SS, "
        "ISO 8601, or epoch seconds, milliseconds, micro- or nanoseconds, told apart by size; UTC unless an "
        "offset is given); - reads stdin",
    )
    p.add_argument("--recording", metavar="DIR", help="score a recording's series instead of a CSV")
    p.add_argument(
        "--series",
        metavar="HOST.SOURCE.AGG[:KEY]",
        help="with --recording: the stream, and its key when it has several",
    )
    p.add_argument(
        "--detector",
        default=DEFAULT_DETECTOR,
        metavar="NAME",
        help=f"the detector (default: {DEFAULT_DETECTOR}; see --list-detectors)",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a detector parameter (repeatable), e.g. --param halflife=120",
    )
    p.add_argument(
        "--why",
        action="store_true",
        help="add a reason column: what made each point at or past the detector's threshold unusual "
        "(stopped, jumped up, noisier than usual, ...); each detector names what its own model saw",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the CSV here (default: stdout)")
    p.add_argument(
        "--list-detectors",
        action="store_true",
        help="list the detectors, their parameters and what each measured on the held-out evaluation "
        "(data no parameter was chosen on: docs/PERFORMANCE.md)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..analytics.detectors import DETECTORS, Detector, EstimatorAdapter
    from ..analytics.detectors.base import reason_text
    from ..analytics.nab import score_series
    from .detect_input import InputError, open_text, read_csv, read_recording, split_series

    offered: dict[str, type[Detector]] = {
        k: c for k, c in DETECTORS.items() if issubclass(c, Detector) and not issubclass(c, EstimatorAdapter)
    }  # built from params alone
    if args.list_detectors:
        from ..analytics.detector_figures import measured

        write(
            f"{kind}{' (default)' if kind == DEFAULT_DETECTOR else ''}: {_summary(cls)} "
            f"(threshold {cls.threshold:g})\n    parameters: {', '.join(f'{k}={v}' for k, v in cls.defaults.items())}\n"
            + (f"    {found.brief()}\n" if (found := measured(kind)) is not None else "")
            for kind, cls in offered.items()
        )
        return 0
    cls = offered.get(args.detector)
    if cls is None:
        return _fail(f"unknown detector {args.detector!r}; one of: {', '.join(offered)}", 2)
    try:
        params = parse_params(args.param, cls.defaults, args.detector)
        cls(**params)  # a value out of its range (``detectors.limits``), before any input is read
    except (TypeError, ValueError) as exc:
        return _fail(str(exc), 2)
    if args.output == "":
        return _fail("-o/--output needs a file name (without it, the CSV goes to stdout)", 2)
    if args.series and args.recording is None:
        return _fail("--series names a stream of --recording DIR", 2)
    if (args.recording is None) == (args.csv is None):
        return _fail("name a CSV (or - for stdin), or --recording DIR --series HOST.SOURCE.AGG[:KEY]", 2)
    if args.recording is not None:
        if not args.series:
            return _fail("--recording needs --series HOST.SOURCE.AGG[:KEY]", 2)
        try:
            split_series(args.series)
        except InputError as exc:
            return _fail(str(exc), 2)
    try:
        if args.recording is not None:
            series = read_recording(args.recording, args.series)
        elif args.csv == "-":
            if sys.stdin is None:
                return _fail("stdin is closed: name a CSV file", 1)
            series = read_csv(open_text(sys.stdin.buffer), "stdin")
        else:
            with open(args.csv, "rb") as f:
                series = read_csv(open_text(f), args.csv)
    except (InputError, OSError) as exc:
        return _fail(str(exc), 1)
    try:
        if args.why:
            scores, codes = cls(**params).score_why(series.values, series.times)
        else:
            scores = score_series(args.detector, series.values, series.times, params)
    except (
        TypeError,
        ValueError,
        ArithmeticError,
    ) as exc:  # the parameters are checked above: the data's fault, or ours
        given = " ".join(args.param)
        return _fail(
            f"detector {args.detector!r} ({given or 'its defaults'}) failed on this series: "
            f"{type(exc).__name__}: {exc}",
            1,
        )
    if args.why:
        header = "timestamp,value,anomaly_score,reason\n"
        rows = (
            f"{_field(s)},{_number(v)},{float(a)!r},{reason_text(cls.reasons, c) if a >= cls.threshold else ''}\n"
            for s, v, a, c in zip(series.stamps, series.values, scores, codes.tolist(), strict=True)
        )
    else:
        header = "timestamp,value,anomaly_score\n"
        rows = (
            f"{_field(s)},{_number(v)},{float(a)!r}\n"
            for s, v, a in zip(series.stamps, series.values, scores, strict=True)
        )
    try:
        write([header], rows, path=args.output)
    except OSError as exc:
        return _fail(f"cannot write {args.output or 'to stdout'}: {exc.strerror or exc}", 1)
    return 0


def write(*parts: Iterable[str], path: str | None = None) -> None:
    """Lines to ``path`` or stdout; a reader of stdout that stops early (``| head``) is not an error."""
    if path:
        with open(path, "w", newline="", encoding="utf-8") as out:
            for lines in parts:
                out.writelines(lines)
        return
    if sys.stdout is None:  # started with stdout closed (``>&-``)
        raise OSError(errno.EBADF, "stdout is closed")
    try:
        for lines in parts:
            sys.stdout.writelines(lines)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stdout = None  # nothing more to say, and no complaint when the interpreter flushes at exit


def parse_params(items: list[str], defaults: dict[str, Any], kind: str) -> dict[str, Any]:
    """``NAME=VALUE`` texts read as the detector's parameters, each of its default's type; ``ValueError``
    names an unknown parameter or a value that is not of its kind."""
    from ..analytics.detectors.limits import kind_text, parse_text

    out: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"--param {item!r}: expected NAME=VALUE")
        if name not in defaults:
            raise ValueError(
                f"detector {kind!r} has no parameter {name!r}; its parameters: {', '.join(defaults)}"
            )
        try:
            out[name] = parse_text(defaults[name], text)
        except ValueError:
            raise ValueError(f"--param {name}={text}: not {kind_text(defaults[name], typed=True)}") from None
    return out


def _summary(cls: type, width: int = 100) -> str:
    """The start of a detector's docstring's first sentence, on one short line."""
    doc = " ".join((cls.__doc__ or "").replace("``", "").split())
    first = doc.split(". ")[0].rstrip(".")
    return first if len(first) <= width else first[:width].rsplit(" ", 1)[0].rstrip(",;:(") + " …"


def _number(value: float) -> str:
    """``73`` for a whole number (as NAB's files write it), the shortest exact text otherwise."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def _field(text: str) -> str:
    """A timestamp as read, quoted only when CSV needs it."""
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n\r') else text


def _fail(message: str, status: int) -> int:
    print(f"suricate detect: {message}", file=sys.stderr)
    return status
