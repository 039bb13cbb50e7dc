"""Which calls of a script reach beyond tracing: read files, run commands, write memory, stop or signal processes.

A holder of the control secret sends the agent a script and the agent runs it,
as root. Tracing is what the agent is for; running ``system("...")``, reading
``cat("/etc/shadow")`` or ``#include``-ing a file so the compiler quotes it back
is not, so the agent refuses such scripts unless its own configuration allows
them (``suricate agent --control --allow-unsafe-actions``).

Found with the project's lexers, not a regular expression over the text: a
name in a comment or a string is not a call, and a call is found whatever the
spacing, comments or line breaks around it. A name counts as a call when the
next significant token is ``(`` and it is not a member (after ``.`` or ``->``).
Preprocessor lines are checked too: a ``#define`` that names one of the calls
(or pastes tokens with ``##``, which could spell one) and an ``#include`` of
anything but a plain system header (``<linux/sched.h>``).
"""

from __future__ import annotations

import re

from .diagnostics import Diagnostic
from .lexer import normalize_lang, tokenize
from .tokens import TokenType

#: bpftrace 0.17: runs a command; reads a file; sends a signal; changes a kernel function's return value;
#: writes packets to a file.
BPFTRACE_UNSAFE: dict[str, str] = {
    "system": "runs a command",
    "cat": "reads a file",
    "signal": "sends a signal to a process",
    "override": "changes what a kernel function returns",
    "skboutput": "writes to a file",
}
#: D: the destructive actions (dtrace's -w), the kernel-destructive ones, and freopen (output to a file).
D_UNSAFE: dict[str, str] = {
    "system": "runs a command",
    "copyout": "writes a process's memory",
    "copyoutstr": "writes a process's memory",
    "stop": "stops a process",
    "raise": "sends a signal to a process",
    "panic": "panics the kernel",
    "breakpoint": "stops the kernel in its debugger",
    "chill": "stalls a CPU",
    "freopen": "sends the output to a file",
}

#: Between a name and its "(": blanks, comments, and what the lexer calls an error (D's ``//`` comment is one,
#: yet dtrace -C's preprocessor strips it like any comment).
_SKIP = frozenset({TokenType.WHITESPACE, TokenType.NEWLINE, TokenType.COMMENT, TokenType.ERROR})
#: Tokens that never hold a call: text, names of maps and variables, probe descriptions.
_NOT_CODE = frozenset(
    {
        TokenType.STRING,
        TokenType.AGGREGATION,
        TokenType.VARIABLE,
        TokenType.MACRO,
        TokenType.PROBE,
        TokenType.NUMBER,
        TokenType.PRAGMA,
    }
)
_SAFE_INCLUDE = re.compile(r"#\s*include\s*<(?!/)(?!.*\.\.)[A-Za-z0-9_./+-]+\.h>\s*")
_DIRECTIVE = re.compile(r"#\s*(\w+)")
_WORD = re.compile(r"[A-Za-z_]\w*")

HINT = "refused for a remote script; the agent's own --allow-unsafe-actions allows it"


def unsafe_calls(script: str, lang: str) -> list[Diagnostic]:
    """An error for each call (or preprocessor line) of ``script`` that goes beyond tracing, at its line."""
    lang = normalize_lang(lang)
    unsafe = BPFTRACE_UNSAFE if lang == "bpftrace" else D_UNSAFE
    tokens = [t for t in tokenize(script, lang) if t.type not in _SKIP]
    out: list[Diagnostic] = []
    for i, tok in enumerate(tokens):
        if tok.type is TokenType.PRAGMA:
            problem = _directive_problem(tok.text, unsafe)
            if problem:
                out.append(
                    Diagnostic(tok.line, tok.column, "error", f"{problem}: {HINT}", end_column=tok.end_column)
                )
            continue
        if tok.type in _NOT_CODE or tok.text not in unsafe:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].text != "(":
            continue
        if i > 0 and tokens[i - 1].text in (".", "->"):
            continue
        out.append(
            Diagnostic(
                tok.line,
                tok.column,
                "error",
                f"{tok.text}() {unsafe[tok.text]}: {HINT}",
                end_column=tok.end_column,
            )
        )
    return out


def _directive_problem(text: str, unsafe: dict[str, str]) -> str | None:
    m = _DIRECTIVE.match(text.strip())
    if m is None:
        return None
    directive = m.group(1)
    if directive == "include" and not _SAFE_INCLUDE.fullmatch(text.strip()):
        return "#include of a file other than a system header (the compiler would quote it back)"
    if directive in ("define", "undef", "if", "ifdef", "elif"):
        if "##" in text:
            return f"#{directive} pasting tokens together (it could spell an unsafe call)"
        named = sorted(set(_WORD.findall(_strip_strings(text[m.end() :]))) & set(unsafe))
        if named:
            return f"#{directive} naming {', '.join(n + '()' for n in named)}"
    return None


def _strip_strings(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
