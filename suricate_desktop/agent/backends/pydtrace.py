"""python-dtrace backend: libdtrace in-process, through python-dtrace 0.0.15's Cython module.

It also holds what the dtrace(1) backend and the linter share about D and
libdtrace: the compiler-message parser (:func:`parse_libdtrace_error`) and a
light scan of a D script's aggregations (:func:`scan_aggregations`).

How a run works, and why:

* ``check()`` compiles the script with ``DTraceConsumer(None, None, None,
  None).compile(script)`` (``None`` callbacks are no-ops since PR #21), so a bad
  script fails before anything starts. libdtrace's message becomes a
  ``ScriptError`` at its line. Scripts that use ``stddev()`` or
  ``llquantize()`` are refused as well: python-dtrace 0.0.15's walk raises
  ``Exception('Unsupported DTrace aggregation function!')`` for them, so they
  cannot be read through this backend (the ``dtrace-cli`` backend reads them).
* ``run()`` starts ``dtrace.DTraceConsumerThread(script, consume=True,
  chew_func=None, chewrec_func=None, out_func=..., walk_func=..., sleep=interval)``.
  With ``sleep=N`` the thread loops ``time.sleep(N)`` then
  ``consumer.snapshot()`` (``dtrace_work``, ``dtrace_aggregate_snap``, the
  value-sorted walk). The walk returns ``DTRACE_AGGWALK_REMOVE``, so each
  snapshot's walk delivers what was aggregated since the previous one: every
  Snapshot is a delta (``delta=True``).
* **Interval boundaries.** The thread has no "walk finished" callback, so the
  backend wraps the thread's ``consumer`` attribute (a plain attribute of the
  Python ``Thread`` subclass) in a thin proxy whose ``snapshot()`` calls the
  real one and then hands over the records the walk delivered. One thread
  snapshot is therefore exactly one interval, with no timer racing the walk.
  The proxy also catches the exceptions python-dtrace raises inside the worker
  thread (a failed ``go()``, a failed ``dtrace_work`` or walk), stops the
  thread cleanly and lets ``run()`` re-raise them in the caller's thread. Only
  if a python-dtrace version had no ``consumer`` attribute does the backend
  fall back to a timer that swaps the collected records every ``interval``
  (a walk that straddles the swap is then split over two intervals).
* **Aggregation names.** The walk gives only ``dtagd_varid``. libdtrace numbers
  aggregation variables from 1 in the order the compiler first meets them, so
  varid ``n`` is the ``n``-th distinct ``@name`` in the script's text
  (comments and strings skipped). ``@name`` becomes ``name``; the anonymous
  ``@`` is ``"@"`` (as in the bpftrace backend). A varid beyond the names found
  is called ``agg<varid>``.
* **Kinds** come from the walk's action id (COUNT=1793 ... LLQUANTIZE=1801).
  Every interval emits one Snapshot per aggregation whose kind is known (from
  the walk, or else from the script's ``@a = func(``), with no entries when
  nothing happened: an idle interval is data too.
* **Keys**: bytes are decoded as UTF-8 up to the first NUL; ints stay ints;
  ``stack()`` frames, which python-dtrace gives as ``(module, symbol)`` tuples
  (flat in the key list, or nested in one list: both are read), become one key
  part ``"module`symbol"`` per frame joined by ``"\\n"``. Two records whose
  keys decode to the same list in one interval are merged (added; min/max
  kept; averages averaged).
* **Values**: count/sum/min/max/avg are ints as python-dtrace gives them (it
  reads count/sum/min/max through a C ``int``, so totals beyond 32 bits wrap
  there already; avg is ``sum // count``). quantize's 127 and lquantize's
  ``levels + 2`` ``((lo, hi), count)`` pairs become ``[[lo, hi], count]``
  buckets **with zero-count buckets dropped**: each bucket carries its own
  bounds, so nothing is lost, and a quantize key shrinks from 127 buckets to
  the few that were hit. Open ends keep python-dtrace's ``INT64_MIN`` /
  ``INT64_MAX`` sentinels.
* ``out_func`` receives each chunk of printf/trace output as stripped
  ``bytes``; it is decoded and passed to ``output`` with a newline.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from ...lang.diagnostics import Diagnostic, ScriptError
from ...lang.lexer import mask_comments_and_strings
from ...schema import BUCKET_KINDS, Snapshot
from ..backend import Backend, Emit, Output

log = logging.getLogger(__name__)

NOT_INSTALLED = "python-dtrace is not installed (pip install suricate-desktop[dtrace]; it builds only where libdtrace exists)"

# --------------------------------------------------------------------------- libdtrace constants

#: ``DTRACEACT_AGGREGATION`` (0x700) + n: the walk's ``action`` argument.
DTRACEAGG_COUNT = 1793
DTRACEAGG_MIN = 1794
DTRACEAGG_MAX = 1795
DTRACEAGG_AVG = 1796
DTRACEAGG_SUM = 1797
DTRACEAGG_STDDEV = 1798
DTRACEAGG_QUANTIZE = 1799
DTRACEAGG_LQUANTIZE = 1800
DTRACEAGG_LLQUANTIZE = 1801

#: Walk action id -> snapshot kind.
ACTION_KINDS = {
    DTRACEAGG_COUNT: "count",
    DTRACEAGG_MIN: "min",
    DTRACEAGG_MAX: "max",
    DTRACEAGG_AVG: "avg",
    DTRACEAGG_SUM: "sum",
    DTRACEAGG_STDDEV: "stddev",
    DTRACEAGG_QUANTIZE: "quantize",
    DTRACEAGG_LQUANTIZE: "lquantize",
    DTRACEAGG_LLQUANTIZE: "llquantize",
}

#: D aggregating functions (they are also the snapshot kinds).
D_AGG_FUNCTIONS = frozenset(ACTION_KINDS.values())

#: Kinds python-dtrace 0.0.15's walk cannot decode (it raises for them).
PYDTRACE_UNSUPPORTED = frozenset({"stddev", "llquantize"})

#: Prefix of python-dtrace's exception for a script libdtrace refused.
COMPILE_PREFIX = "Unable to compile the script: "

# --------------------------------------------------------------------------- libdtrace messages

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
    text = _message_text(exc_or_text)
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


def _message_text(exc_or_text: BaseException | str | bytes) -> str:
    if isinstance(exc_or_text, bytes):
        return exc_or_text.decode("utf-8", "replace")
    if isinstance(exc_or_text, str):
        return exc_or_text
    args = getattr(exc_or_text, "args", ())
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
            found = _locate(source, token, line)
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


def _locate(source: str, token: str, line: int) -> tuple[int, int, int] | None:
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


# --------------------------------------------------------------------------- D script scanning


@dataclass(frozen=True, slots=True)
class DAggregation:
    """One aggregation of a D script, as its first assignment writes it."""

    var: str  # as written: "@name" or "@"
    agg: str  # snapshot name: "name", or "@" for the anonymous aggregation
    func: str | None  # aggregating function of the first assignment, None if never assigned
    keys: tuple[str, ...]  # key expressions, as written
    args: str  # the function's argument text
    line: int  # 1-based line of the first assignment (of the first mention if never assigned)

    @property
    def key_types(self) -> tuple[str, ...]:
        return tuple(key_type(k) for k in self.keys)


_AGG_REF = re.compile(r"@(\w*)")
_ASSIGN = re.compile(r"\s*=(?!=)\s*([A-Za-z_]\w*)\s*\(")


def scan_aggregations(script: str) -> list[DAggregation]:
    """Every aggregation the script names, in order of first mention (libdtrace's varid order).

    For each, the first ``@name[keys] = func(args)`` gives the function, the
    key expressions and the arguments (brackets and parentheses are matched,
    so keys may hold ``args[0]`` or calls). A name that is only mentioned
    (``printa(@a)``) keeps ``func=None``.
    """
    text = mask_comments_and_strings(script, "d")
    order: list[str] = []
    first_line: dict[str, int] = {}
    assigned: dict[str, DAggregation] = {}
    for m in _AGG_REF.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            continue
        name = m.group(1)
        var = "@" + name
        line = text.count("\n", 0, m.start()) + 1
        if var not in first_line:
            order.append(var)
            first_line[var] = line
        if var in assigned:
            continue
        pos = m.end()
        p = pos
        while p < len(text) and text[p] in " \t":
            p += 1
        keys: tuple[str, ...] = ()
        if p < len(text) and text[p] == "[":
            end = _match(text, p)
            if end < 0:
                continue
            keys = tuple(k for k in _split_top(script[p + 1 : end - 1], text[p + 1 : end - 1]) if k)
            pos = end
        fn = _ASSIGN.match(text, pos)
        if fn is None:
            continue
        open_paren = fn.end() - 1
        close = _match(text, open_paren)
        args = script[open_paren + 1 : close - 1].strip() if close > 0 else ""
        func = fn.group(1)
        assigned[var] = DAggregation(var, name or "@", func, keys, args, line)
    out = []
    for var in order:
        if var in assigned:
            out.append(assigned[var])
        else:
            out.append(DAggregation(var, var[1:] or "@", None, (), "", first_line[var]))
    return out


def _match(text: str, start: int) -> int:
    """Index after the bracket/paren that closes the one at ``start``, or -1."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _split_top(original: str, masked: str) -> list[str]:
    """Split a key list at its top-level commas (decided on the masked text), keeping the original text."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(masked):
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(original[start:i].strip())
            start = i + 1
    parts.append(original[start:].strip())
    return parts


#: Built-in variables whose value is a string.
_STRING_VARS = frozenset(
    {
        "execname",
        "probefunc",
        "probemod",
        "probename",
        "probeprov",
        "zonename",
        "jailname",
        "execargs",
        "cwd",
        "root",
    }
)
#: Subroutines that return a string.
_STRING_FUNCS = frozenset(
    {
        "copyinstr",
        "stringof",
        "strjoin",
        "basename",
        "dirname",
        "cleanpath",
        "substr",
        "lltostr",
        "inet_ntoa",
        "inet_ntoa6",
        "inet_ntop",
        "tolower",
        "toupper",
        "strtok",
        "strchr",
        "strrchr",
        "strstr",
        "json",
        "ddi_pathname",
        "memstr",
    }
)
#: Members of the stable translators' structs that are strings.
_STRING_MEMBERS = frozenset(
    {
        "pr_fname",
        "pr_psargs",
        "dev_statname",
        "dev_name",
        "dev_pathname",
        "fi_pathname",
        "fi_name",
        "fi_dirname",
        "fi_mount",
        "fi_fs",
        "ip_saddr",
        "ip_daddr",
        "tcps_raddr",
        "tcps_laddr",
    }
)
#: Built-in variables whose value is an integer.
_INT_VARS = frozenset(
    {
        "pid",
        "ppid",
        "tid",
        "uid",
        "gid",
        "cpu",
        "errno",
        "timestamp",
        "vtimestamp",
        "walltimestamp",
        "epid",
        "id",
        "ipl",
        "arg0",
        "arg1",
        "arg2",
        "arg3",
        "arg4",
        "arg5",
        "arg6",
        "arg7",
        "arg8",
        "arg9",
        "projid",
        "taskid",
        "jid",
    }
)
#: Subroutines that return an integer.
_INT_FUNCS = frozenset(
    {
        "strlen",
        "htons",
        "htonl",
        "htonll",
        "ntohs",
        "ntohl",
        "ntohll",
        "rand",
        "index",
        "rindex",
        "progenyof",
        "getmajor",
        "getminor",
        "msgsize",
        "msgdsize",
        "strtoll",
        "speculation",
    }
)
_SYM_FUNCS = frozenset({"sym", "func", "mod", "usym", "ufunc", "umod", "uaddr"})
_INT_CAST = re.compile(
    r"^\(\s*(?:(?:unsigned|signed|long|short|int|char)\s*)+\)"
    r"|^\(\s*u?int(?:8|16|32|64|ptr)_t\s*\)|^\(\s*(?:size_t|ssize_t|pid_t|uid_t|gid_t|id_t|off_t|hrtime_t)\s*\)"
)
_STRING_CAST = re.compile(r"^\(\s*string\s*\)")
_IDENT = re.compile(r"[A-Za-z_]\w*")


def key_type(expr: str) -> str:
    """What a key expression prints as: ``str``, ``int``, ``stack`` (kernel stack), ``ustack``,
    ``sym`` (a symbol/module/address printed as text) or ``unknown``.

    A light guess from the expression's text (built-in variables, subroutines,
    casts, literals, well-known translator members); ``self->``/``this->``
    variables and ``args[n]`` are ``unknown``.
    """
    e = expr.strip()
    while e.startswith("(") and _match(e, 0) == len(e):
        e = e[1:-1].strip()
    if not e:
        return "unknown"
    if e.startswith('"'):
        return "str"
    if _STRING_CAST.match(e):
        return "str"
    if _INT_CAST.match(e):
        return "int"
    call = re.match(r"([A-Za-z_]\w*)\s*\(", e)
    if call and _match(e, call.end() - 1) == len(e):
        name = call.group(1)
        if name == "stack":
            return "stack"
        if name in ("ustack", "jstack"):
            return "ustack"
        if name in _SYM_FUNCS:
            return "sym"
        if name in _STRING_FUNCS:
            return "str"
        if name in _INT_FUNCS:
            return "int"
        return "unknown"
    if e in _STRING_VARS:
        return "str"
    member = re.search(r"(?:->|\.)\s*([A-Za-z_]\w*)\s*$", e)
    if (
        member
        and member.group(1) in _STRING_MEMBERS
        and not re.search(r"[-+*/%&|^~<>!?]", e.replace("->", ""))
    ):
        return "str"
    if e in _INT_VARS or re.fullmatch(r"-?(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*|'.'", e):
        return "int"
    # arithmetic over integer variables and literals only
    if "->" not in e and "[" not in e and '"' not in e:
        idents = _IDENT.findall(re.sub(r"\b(?:0[xX][0-9a-fA-F]+|\d+[uUlL]*)\b", " ", e))
        if idents and all(i in _INT_VARS or i in _INT_FUNCS for i in idents):
            return "int"
    return "unknown"


def unsupported_aggregations(script: str) -> list[DAggregation]:
    """The aggregations python-dtrace 0.0.15 cannot read (stddev, llquantize)."""
    return [a for a in scan_aggregations(script) if a.func in PYDTRACE_UNSUPPORTED]


# --------------------------------------------------------------------------- walk values


def frame_text(frame: Any) -> str:
    """One stack frame, ``(module, symbol)`` or text, as ``module`symbol`` (dtrace(1)'s ``+0x..``
    offset dropped, so both DTrace backends name a frame the same way)."""
    if isinstance(frame, (tuple, list)) and len(frame) == 2:
        mod, sym = (_text(p) for p in frame)
        return f"{mod}`{sym}" if sym else mod
    text = _text(frame).strip()
    return re.sub(r"\+0x[0-9a-fA-F]+$", "", text)


def _text(part: Any) -> str:
    if isinstance(part, bytes):
        return part.split(b"\0", 1)[0].decode("utf-8", "replace")
    return str(part).split("\0", 1)[0]


def _is_frame(part: Any) -> bool:
    return isinstance(part, tuple) and len(part) == 2 and all(isinstance(p, (bytes, str)) for p in part)


def decode_keys(keys: Any) -> list:
    """python-dtrace's key list as a snapshot key: str and int parts, stacks as one ``"\\n"``-joined part."""
    out: list = []
    frames: list[str] = []
    for part in keys or ():
        if _is_frame(part):
            frames.append(frame_text(part))
            continue
        if frames:
            out.append("\n".join(frames))
            frames = []
        if isinstance(part, (bytes, str)):
            out.append(_text(part))
        elif isinstance(part, bool):
            out.append(int(part))
        elif isinstance(part, int):
            out.append(part)
        elif isinstance(part, (list, tuple)) and all(_is_frame(f) for f in part):
            out.append("\n".join(frame_text(f) for f in part))
        else:
            out.append(str(part))
    if frames:
        out.append("\n".join(frames))
    return out


def walk_value(kind: str, value: Any) -> Any:
    """python-dtrace's value as a snapshot value: a number, or non-zero ``[[lo, hi], count]`` buckets."""
    if kind in BUCKET_KINDS:
        return [[[int(lo), int(hi)], int(count)] for (lo, hi), count in value if count]
    return value


def merge_value(kind: str, old: Any, new: Any) -> Any:
    """Two values of one key in one interval, as one."""
    if kind in BUCKET_KINDS:
        acc: dict[tuple[int, int], int] = {}
        for (lo, hi), count in list(old) + list(new):
            acc[(lo, hi)] = acc.get((lo, hi), 0) + count
        return [[[lo, hi], c] for (lo, hi), c in sorted(acc.items()) if c]
    if kind == "min":
        return min(old, new)
    if kind == "max":
        return max(old, new)
    if kind in ("avg", "stddev"):
        return (old + new) / 2
    return old + new


class _Collector:
    """Records of the current interval, by aggregation name and key."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.lock = threading.Lock()
        self.current: dict[str, tuple[str, dict[tuple, list]]] = {}

    def name_of(self, varid: int) -> str:
        if isinstance(varid, int) and 1 <= varid <= len(self.names):
            return self.names[varid - 1]
        return f"agg{varid}"

    def add(self, action: int, identifier: int, keys: Any, value: Any) -> None:
        kind = ACTION_KINDS.get(action)
        if kind is None:
            log.debug("python-dtrace walk: unknown action %r ignored", action)
            return
        name = self.name_of(identifier)
        key = decode_keys(keys)
        val = walk_value(kind, value)
        hkey = tuple(key)
        with self.lock:
            slot = self.current.get(name)
            if slot is None or slot[0] != kind:
                slot = (kind, {})
                self.current[name] = slot
            entries = slot[1]
            entry = entries.get(hkey)
            if entry is None:
                entries[hkey] = [key, val]
            else:
                entry[1] = merge_value(kind, entry[1], val)

    def take(self) -> dict[str, tuple[str, dict[tuple, list]]]:
        with self.lock:
            taken, self.current = self.current, {}
        return taken


class _ConsumerHook:
    """Stands in front of the thread's DTraceContinuousConsumer to see each snapshot end.

    ``snapshot()`` calls the real one, then reports the interval; exceptions
    from the worker thread are recorded and turned into a clean stop (``go``
    failing stops the thread; ``snapshot`` failing returns
    ``DTRACE_WORKSTATUS_DONE``), so ``run()`` can raise them in its own thread.
    """

    def __init__(self, inner: Any, backend_state: _RunState, stop_thread) -> None:
        self._inner = inner
        self._state = backend_state
        self._stop_thread = stop_thread

    def go(self):
        try:
            return self._inner.go()
        except Exception as exc:
            self._state.errors.append(exc)
            self._stop_thread()
            return None

    def sleep(self):
        return self._inner.sleep()

    def snapshot(self):
        try:
            status = self._inner.snapshot()
        except Exception as exc:
            self._state.errors.append(exc)
            self._state.interval_done()
            return 1  # DTRACE_WORKSTATUS_DONE: the thread stops itself
        self._state.interval_done()
        return status

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _RunState:
    def __init__(self, collector: _Collector) -> None:
        self.collector = collector
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.errors: list[BaseException] = []

    def interval_done(self) -> None:
        self.events.put(("interval", time.time(), self.collector.take()))

    def out(self, value: Any) -> None:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        self.events.put(("output", text + "\n"))


# --------------------------------------------------------------------------- the backend


def _import_dtrace():
    try:
        import dtrace
    except ImportError as exc:
        raise RuntimeError(NOT_INSTALLED) from exc
    return dtrace


def _describe(exc: BaseException) -> str:
    args = getattr(exc, "args", ())
    if len(args) >= 2 and isinstance(args[0], str):
        return f"{args[0]}{_message_text(exc)}"
    return _message_text(exc)


class PyDTraceBackend(Backend):
    """Runs one D script in-process through python-dtrace 0.0.15; emits per-interval deltas.

    Extra arguments: ``script_file`` (the name diagnostics give the script,
    ``"<script>"`` by default) and ``stop_timeout`` (seconds ``run()`` waits for
    the consumer thread after a stop; the thread finishes its current
    ``sleep(interval)`` and one last snapshot first).
    """

    name = "dtrace"

    def __init__(
        self,
        script: str,
        *,
        interval: float = 1.0,
        host: str | None = None,
        source: str = "script",
        script_file: str = "<script>",
        stop_timeout: float | None = None,
    ) -> None:
        super().__init__(script, interval=interval, host=host, source=source)
        if interval <= 0:
            raise ValueError(f"interval must be > 0, got {interval}")
        self.script_file = script_file
        self.stop_timeout = stop_timeout if stop_timeout is not None else interval + 10.0
        self.aggregations = scan_aggregations(script)
        #: Aggregation names by varid - 1.
        self.names = [a.agg for a in self.aggregations]

    # -- check -----------------------------------------------------------------------

    def check(self) -> None:
        """Compile with libdtrace (nothing is enabled); refuse stddev/llquantize, which 0.0.15 cannot read."""
        dtrace = _import_dtrace()
        try:
            consumer = dtrace.DTraceConsumer(None, None, None, None)
        except Exception as exc:
            raise RuntimeError(f"python-dtrace could not open DTrace: {_describe(exc)}") from exc
        try:
            consumer.compile(self.script)
        except Exception as exc:
            raise ScriptError(parse_libdtrace_error(exc, self.script_file, source=self.script)) from exc
        finally:
            del consumer
        bad = unsupported_aggregations(self.script)
        if bad:
            diags = []
            for a in bad:
                _, column, end = _locate(self.script, f"{a.func}(", a.line) or (a.line, 1, None)
                message = (
                    f"{a.var} = {a.func}(): python-dtrace 0.0.15 cannot read {a.func}() aggregations "
                    "(its walk raises 'Unsupported DTrace aggregation function!'); use the dtrace-cli backend"
                )
                diags.append(Diagnostic(a.line, column, "error", message, self.script_file, end))
            raise ScriptError(diags)

    # -- run -------------------------------------------------------------------------

    def run(self, emit: Emit, stop: threading.Event, output: Output) -> None:
        """Trace until ``stop`` is set or the script exits; emit once per thread snapshot.

        ``emit`` and ``output`` are called in this thread (the consumer
        thread only queues). Raises ScriptError when libdtrace refuses the
        script, RuntimeError for other python-dtrace failures (after emitting
        what had been collected).
        """
        dtrace = _import_dtrace()
        collector = _Collector(self.names)
        state = _RunState(collector)
        try:
            thread = dtrace.DTraceConsumerThread(
                self.script,
                consume=True,
                chew_func=None,
                chewrec_func=None,
                out_func=state.out,
                walk_func=collector.add,
                sleep=self.interval,
            )
        except Exception as exc:
            raise RuntimeError(f"python-dtrace could not open DTrace: {_describe(exc)}") from exc
        inner = getattr(thread, "consumer", None)
        hooked = inner is not None
        if hooked:
            thread.consumer = _ConsumerHook(inner, state, thread.stop)
        else:  # pragma: no cover - a python-dtrace without the attribute
            log.warning("python-dtrace thread has no 'consumer' attribute; intervals are cut by a timer")
        thread.daemon = True
        known = {
            a.agg: a.func
            for a in self.aggregations
            if a.func in D_AGG_FUNCTIONS and a.func not in PYDTRACE_UNSUPPORTED
        }
        thread.start()
        stopping = False
        final_cut = False
        next_cut = time.monotonic() + self.interval
        try:
            while True:
                if stop.is_set() and not stopping:
                    thread.stop()
                    stopping = True
                try:
                    event = state.events.get(timeout=0.05)
                except queue.Empty:
                    if not hooked and time.monotonic() >= next_cut:  # pragma: no cover
                        next_cut += self.interval
                        state.interval_done()
                        continue
                    if not thread.is_alive():
                        if not hooked and not final_cut:  # pragma: no cover
                            final_cut = True
                            state.interval_done()
                        elif state.events.empty():
                            break
                    continue
                if event[0] == "output":
                    output(event[1])
                    continue
                _, ts, taken = event
                emit(self._snapshots(ts, taken, known))
        finally:
            thread.stop()
            thread.join(self.stop_timeout)
            if thread.is_alive():
                log.warning("python-dtrace thread did not end within %.1f s", self.stop_timeout)
        if state.errors:
            self._raise(state.errors[0])

    def _snapshots(self, ts: float, taken: dict, known: dict[str, str]) -> list[Snapshot]:
        """One snapshot per aggregation of known kind (the walk's kind wins over the script's)."""
        for name, (kind, _) in taken.items():
            known[name] = kind
        order = [n for n in self.names if n in known] + [n for n in known if n not in self.names]
        interval = self.interval
        snaps = []
        for name in order:
            kind = known[name]
            slot = taken.get(name)
            entries = list(slot[1].values()) if slot else []
            snaps.append(Snapshot(self.host, self.source, name, kind, ts, interval, True, entries))
        return snaps

    def _raise(self, exc: BaseException) -> None:
        args = getattr(exc, "args", ())
        prefix = args[0] if args and isinstance(args[0], str) else ""
        if prefix.startswith(COMPILE_PREFIX.strip()):
            raise ScriptError(parse_libdtrace_error(exc, self.script_file, source=self.script)) from exc
        hint = ""
        if "walk" in prefix and unsupported_aggregations(self.script):
            hint = " (the script uses stddev() or llquantize(), which python-dtrace 0.0.15 cannot read)"
        raise RuntimeError(f"python-dtrace failed: {_describe(exc)}{hint}") from exc
