"""What a D script aggregates: its ``@name = func(...)`` clauses, their kinds and key types.

Read from the script text before it runs, by both D backends: python-dtrace's walk needs each
aggregation's kind (libdtrace's action ids below), and dtrace(1)'s output needs the key types to split
its columns back into keys. Also which kinds python-dtrace cannot decode, so the user is told before
the run rather than by a crash in the walk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lang.lexer import mask_comments_and_strings

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
