"""libdtrace's and dtrace(1)'s compile errors as diagnostics at the user's line and column.

Both D backends (python-dtrace in ``pydtrace.py``, dtrace(1) in ``dtrace_cli.py``) get DTrace's
message text (``dtrace: failed to compile script ...: line N: ...``, or python-dtrace's exception)
and turn it into the same :class:`Diagnostic`, so the editor marks a bad script at its line whichever
backend ran it.
"""

from __future__ import annotations

import re
from typing import Any

from ...lang.diagnostics import Diagnostic
from ...lang.lexer import mask_comments_and_strings

#: Prefix of python-dtrace's exception for a script libdtrace refused.
COMPILE_PREFIX = "Unable to compile the script: "

_CLI_COMPILE = re.compile(r"^dtrace: failed to compile script (?P<file>.+?): (?P<rest>.*)$")
_CLI_PROBE = re.compile(r"^dtrace: invalid probe specifier (?P<spec>.*?): (?P<rest>.*)$")
_PLACE = re.compile(
    r"""^(?:"(?P<qfile>[^"]*)",\s*line\s+(?P<qline>\d+):\s*
        |line\s+(?P<line>\d+):\s*
        |(?P<region>in\s+[a-z][a-z ]*?):\s*)""",
    re.VERBOSE,
)
#: Where a message names the offending token, in the order they are tried.
_TOKENS = (
    re.compile(r'near "([^"\n]+)"'),
    re.compile(r"undefined function name: ([A-Za-z_]\w*)"),
    re.compile(r"failed to resolve ([^\s:]+)"),
    re.compile(r"^((?:self|this)->\w+) has not yet been declared"),
    re.compile(r"probe description (\S+) does not match"),
    re.compile(r"(@\w*)"),
    re.compile(r"^([A-Za-z_]\w*)\( \)"),
)


def parse_libdtrace_error(
    exc_or_text: BaseException | str | bytes, file: str = "<script>", *, source: str | None = None
) -> list[Diagnostic]:
    """libdtrace compiler messages as Diagnostics (severity ``error``).

    Accepts what python-dtrace raises (``Exception(prefix, msg)``, ``msg``
    possibly ``bytes``), a bare libdtrace message (``line 3: syntax error near
    "}"``) or dtrace(1)'s stderr (``dtrace: failed to compile script x.d: line
    3: ...`` and ``dtrace: invalid probe specifier SPEC: ...``, one per line;
    other lines continue the message before them, as D_AGG_REDEF's do).

    The line comes from ``line N:`` (or cpp's ``"file", line N:``, which also
    names the file); libdtrace never gives a column, so the column is 1 when
    the line is known and 0 when it is not, in which case a region such as
    ``in action list:`` stays in the message. ``[D_TAG]`` prefixes (with
    ``-x errtags``) are kept. When ``source`` (the script text) is given, the
    token the message names (``near "}"``, ``failed to resolve foo``,
    ``@a must be ...``) is looked up on that line, or in the whole script when
    the line is unknown, to give a column and an end column.
    """
    text = message_text(exc_or_text)
    diags: list[Diagnostic] = []
    pending: list[str] = []  # lines of a message that came without a dtrace: prefix

    def add(body: str, dfile: str) -> None:
        diags.append(_diagnostic(body, dfile, source))

    lines = text.splitlines() or [""]
    for raw in lines:
        line = raw.rstrip()
        m = _CLI_COMPILE.match(line) or _CLI_PROBE.match(line)
        if m:
            add(m.group("rest"), file)
            continue
        if line.startswith("dtrace: ") and diags:
            continue  # "dtrace: script matched N probes" and the like
        if diags and line.strip():
            last = diags[-1]
            diags[-1] = Diagnostic(
                last.line,
                last.column,
                last.severity,
                f"{last.message}\n{line.strip()}",
                last.file,
                last.end_column,
            )
        elif line.strip():
            pending.append(line.strip())
    if not diags:
        body = "\n".join(pending) if pending else text.strip() or "libdtrace refused the script"
        if body.startswith("dtrace: "):
            body = body[len("dtrace: ") :]
        add(body, file)
    return diags


def message_text(exc_or_text: BaseException | str | bytes) -> str:
    if isinstance(exc_or_text, bytes):
        return exc_or_text.decode("utf-8", "replace")
    if isinstance(exc_or_text, str):
        return exc_or_text
    args: tuple[Any, ...] = getattr(exc_or_text, "args", ())
    if len(args) >= 2:
        msg = args[1]
        return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
    if len(args) == 1:
        msg = args[0]
        return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
    return str(exc_or_text)


def _diagnostic(body: str, file: str, source: str | None) -> Diagnostic:
    body = body.strip()
    line = 0
    m = _PLACE.match(body)
    if m and (m.group("line") or m.group("qline")):
        line = int(m.group("line") or m.group("qline"))
        if m.group("qfile"):
            file = m.group("qfile")
        body = body[m.end() :]
    column = 1 if line else 0
    end_column = None
    if source is not None:
        token = _token_of(body)
        if token:
            found = locate_token(source, token, line)
            if found:
                line, column, end_column = found
    return Diagnostic(line, column, "error", body, file, end_column)


def _token_of(message: str) -> str | None:
    msg = re.sub(r"^(?:in\s+[a-z][a-z ]*?:\s*)?(?:\[D_[A-Z0-9_]+\]\s*)?", "", message.split("\n", 1)[0])
    for pattern in _TOKENS:
        m = pattern.search(msg)
        if m:
            return m.group(1)
    return None


def locate_token(source: str, token: str, line: int) -> tuple[int, int, int] | None:
    """(line, column, end column) of ``token`` on ``line`` (or anywhere when line is 0)."""
    lines = source.splitlines()
    word = re.escape(token)
    if token[:1].isalnum() or token[:1] in "_@":
        word = r"(?<![\w@])" + word
    if token[-1:].isalnum() or token[-1:] == "_":
        word += r"(?!\w)"
    pattern = re.compile(word)
    masked = mask_comments_and_strings(source, "d").splitlines()
    candidates = [line] if line else range(1, len(lines) + 1)
    for n in candidates:
        if not 1 <= n <= len(lines):
            continue
        # prefer a hit outside comments/strings, unless the token is itself quoted text
        for text in (masked[n - 1] if n - 1 < len(masked) else "", lines[n - 1]):
            hit = pattern.search(text)
            if hit:
                return n, hit.start() + 1, hit.end() + 1
    return None
