"""bpftrace's error and warning lines as diagnostics at the user's line and column.

bpftrace prints ``FILE:LINE:COL-COL: ERROR: message`` (or no place at all); the backend
(``bpftrace.py``) runs the tracer and hands its stderr here, and the editor shows the result as
error markers. Also: which stderr lines are harmless noise, and a short summary of the rest for a
failed run's message.
"""

from __future__ import annotations

import re
from typing import Any

from ...lang.diagnostics import Diagnostic

#: Stderr lines that bpftrace prints on success too and that are not errors
#: (in containers without memlock rights or without kprobe tracing).
HARMLESS = ("RLIMIT_MEMLOCK", "available_filter_functions")

_MESSAGE = re.compile(
    r"""^(?:(?P<file>.+?):(?P<line>\d+)(?:-(?P<line2>\d+)|:(?P<col>\d+)(?:-(?P<col2>\d+))?)?:\s*)?
        (?P<sev>ERROR|WARNING):\s*(?P<msg>.*?)\s*$""",
    re.VERBOSE,
)
_QUOTED = re.compile(r"'([^'\n]+)'")


def parse_bpftrace_errors(
    stderr: str | bytes, file: str = "<script>", script: str | None = None
) -> list[Diagnostic]:
    """bpftrace's stderr messages as Diagnostics, errors first, then warnings.

    bpftrace (0.17+) writes ``stdin:1:24-27: ERROR: msg`` (``FILE:LINE:COL1-COL2``,
    columns 1-based, COL2 one past the last character as bison counts), or
    ``FILE:L1-L2: ERROR: msg`` for a span of lines, followed by the source
    line and a ``~~~`` marker (skipped here), or a bare ``ERROR: msg``
    without a place (attach failures). ``file`` names the script in the
    Diagnostics, whatever bpftrace called it (``stdin`` for ``-e``, a
    temporary path...). When ``script`` is given, a message without a column
    that names a piece of the script, quoted (``Error attaching probe:
    'kprobe:foo'``) or after its last colon (``stdin:1-3: ERROR: tracepoint
    not found: syscalls:sys_enter_nosuch``, where 0.17 gives the span of the
    whole program), is placed at that piece (within the span, if any). The
    RLIMIT_MEMLOCK complaint bpftrace prints even when all is well is not a
    diagnostic and is dropped.
    """
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    for raw in stderr.splitlines():
        m = _MESSAGE.match(raw)
        if m is None or any(h in raw for h in HARMLESS):
            continue
        severity = "error" if m["sev"] == "ERROR" else "warning"
        message = m["msg"]
        end_column = None
        if m["col"] is not None:
            line, column = int(m["line"]), int(m["col"])
            if m["col2"] is not None:
                end_column = int(m["col2"])
        else:
            # A span of lines (``stdin:1-3:``, which 0.17 gives for a missing
            # tracepoint: the whole program) or no place at all: narrow it down
            # to what the message names, when the script is at hand.
            first = int(m["line"]) if m["line"] is not None else 0
            last = int(m["line2"] or first)
            line, column = (first, 1) if first else (0, 0)
            if script is not None:
                found = _locate_named(script, message, first, last)
                if found is not None:
                    line, column, end_column = found
        key = (line, column, severity, message)
        if key in seen:  # bpftrace repeats some messages
            continue
        seen.add(key)
        (errors if severity == "error" else warnings).append(
            Diagnostic(line, column, severity, message, file, end_column)
        )
    return errors + warnings


def _locate_named(script: str, message: str, first: int = 0, last: int = 0) -> tuple[int, int, int] | None:
    """Line and columns of what ``message`` names (a quoted piece, or the text after its last ``": "``).

    Searched within lines ``first..last`` when given (1-based), else anywhere.
    """
    candidates = _QUOTED.findall(message)
    tail = message.rsplit(": ", 1)[-1].strip()
    if len(tail) >= 3 and tail != message:
        candidates.append(tail)
    lines = script.split("\n")
    lo = max(first, 1) if first else 1
    hi = min(last, len(lines)) if first else len(lines)
    for text in candidates:
        for number in range(lo, hi + 1):
            at = lines[number - 1].find(text)
            if at >= 0:
                return number, at + 1, at + 1 + len(text)
    return None


def stderr_summary(stderr: str, limit: int = 500) -> str:
    """bpftrace's stderr without its harmless noise, at most ``limit`` characters from the end."""
    lines = [ln for ln in stderr.splitlines() if ln.strip() and not any(h in ln for h in HARMLESS)]
    text = "\n".join(lines)
    return text[-limit:] if text else "(nothing on stderr)"
