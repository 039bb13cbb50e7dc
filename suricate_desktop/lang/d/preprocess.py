"""The C preprocessor step of D scripts that ask for it (``dtrace -C``, or ``#include``/``#define`` lines).

dtrace runs cpp over such scripts before compiling.  The linter must keep every
line where it is (errors are reported by line, as the editor types), so instead
of running ``cpp -P`` (which loses the line numbers and costs a process per
keystroke) it blanks the preprocessor lines and the lines of ``#if`` branches
that are not taken, and remembers object-like ``#define NAME value`` macros so
that the symbol table knows them (``#define TOP 10`` is an integer constant).
Headers are not read: what they define is unknown, and unknown names in a
script that includes headers are not reported.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(
    r"^[ \t]*#[ \t]*(include|define|undef|if|ifdef|ifndef|elif|else|endif|line|import)\b(.*)$"
)
_ASKS = re.compile(r"^[ \t]*#[ \t]*(?:include|define|undef|if|ifdef|ifndef|elif|else|endif)\b", re.M)
_DEFINE = re.compile(r"^([A-Za-z_]\w*)(\([^)]*\))?\s*(.*?)\s*(?:/\*.*)?$")
_MARKER = re.compile(r'^# (\d+) "[^"]*"')
_INT = re.compile(r"^\(?\s*(-?(?:0[xX][0-9a-fA-F]+|[0-9]+))[uUlL]*\s*\)?$")


@dataclass
class Preprocessed:
    text: str
    asked: bool = False  # the script uses preprocessor lines or -C
    with_c: bool = False  # its #! line has -C
    includes: bool = False  # it #includes headers (whose names we cannot know)
    macros: dict[str, str] = field(default_factory=dict)  # object-like: name -> replacement text
    functions: set[str] = field(default_factory=set)  # function-like macro names
    first_line: int = 0  # the first preprocessor line (for the "needs -C" warning)
    line_map: list[int] | None = None  # cpp's output: each line's line in the script

    def int_value(self, name: str) -> int | None:
        """The value of ``#define NAME 10``; None when the macro is not an integer."""
        m = _INT.match(self.macros.get(name, ""))
        if m is None:
            return None
        s = m.group(1).lstrip("-")
        v = int(s, 16) if s[:2].lower() == "0x" else int(s, 8) if len(s) > 1 and s[0] == "0" else int(s)
        return -v if m.group(1).startswith("-") else v


def wants_cpp(text: str) -> bool:
    first = text.split("\n", 1)[0]
    if first.startswith("#!") and re.search(r"\s-\w*C", first):
        return True
    return "#" in text and _ASKS.search(text) is not None


def preprocess(text: str) -> Preprocessed:
    """The text with its preprocessor lines blanked, and what they define; unchanged when not asked for."""
    first = text.split("\n", 1)[0]
    with_c = first.startswith("#!") and re.search(r"\s-\w*C", first) is not None
    if not wants_cpp(text):
        return Preprocessed(text)
    out = Preprocessed(text, asked=True, with_c=with_c)
    lines = text.split("\n")
    stack: list[tuple[bool, bool]] = []  # (this branch live, some branch taken) per #if
    live = True
    continued = False
    for n, line in enumerate(lines):
        if continued:  # a directive's continuation line ("\" at the end of the one before)
            continued = line.rstrip().endswith("\\")
            lines[n] = ""
            continue
        m = _DIRECTIVE.match(line)
        if m is None:
            if not live:
                lines[n] = ""
            continue
        word, rest = m.group(1), m.group(2).strip()
        continued = line.rstrip().endswith("\\")
        if not out.first_line:
            out.first_line = n + 1
        lines[n] = ""
        if word in ("if", "ifdef", "ifndef"):
            cond = live and _condition(word, rest, out)
            stack.append((live, cond))
            live = cond
        elif word == "elif":
            if stack:
                outer, taken = stack[-1]
                cond = outer and not taken and _condition("if", rest, out)
                stack[-1] = (outer, taken or cond)
                live = cond
        elif word == "else":
            if stack:
                outer, taken = stack[-1]
                live = outer and not taken
                stack[-1] = (outer, True)
        elif word == "endif":
            if stack:
                live = stack.pop()[0]
        elif not live:
            continue
        elif word == "include":
            out.includes = True
        elif word == "define":
            d = _DEFINE.match(rest)
            if d:
                if d.group(2):
                    out.functions.add(d.group(1))
                else:
                    out.macros[d.group(1)] = d.group(3)
        elif word == "undef":
            out.macros.pop(rest.split()[0] if rest else "", None)
    out.text = "\n".join(lines)
    if out.functions and not out.includes:
        expanded = run_cpp(text)
        if expanded is not None:
            out.text, out.line_map = expanded
    return out


def run_cpp(text: str) -> tuple[str, list[int]] | None:
    """``cpp``'s expansion of a script with function-like macros, and each output line's line in ``text``.

    Only for scripts without ``#include`` (the build machine's C headers are not the traced
    system's D headers); None when there is no cpp or it fails, and the built-in step is used.
    """
    cpp = shutil.which("cpp")
    if cpp is None:
        return None
    src = text.split("\n")
    if src and src[0].startswith("#!"):
        src[0] = ""
    try:
        proc = subprocess.run(
            [cpp, "-w", "-undef", "-nostdinc"],
            input="\n".join(src),
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out: list[str] = []
    where: list[int] = []
    line = 1
    for piece in proc.stdout.split("\n"):
        m = _MARKER.match(piece)
        if m:
            line = int(m.group(1))
            continue
        out.append(piece)
        where.append(line)
        line += 1
    return "\n".join(out), where


def _condition(word: str, rest: str, pre: Preprocessed) -> bool:
    name = rest.split()[0] if rest.split() else ""
    if word == "ifdef":
        return name in pre.macros or name in pre.functions or pre.includes
    if word == "ifndef":
        return not (name in pre.macros or name in pre.functions)
    expr = re.sub(r"/\*.*?\*/", "", rest).strip()
    if expr in ("0", "(0)"):
        return False
    if expr in ("1", "(1)"):
        return True
    m = re.fullmatch(r"!?\s*defined\s*\(?\s*(\w+)\s*\)?", expr)
    if m:
        known = m.group(1) in pre.macros or m.group(1) in pre.functions
        return known != expr.startswith("!")
    return True  # an expression on header macros: take the first branch, as on the common platform
