"""Lint D and bpftrace scripts without running them.

``lint(text, lang, file, platform)`` returns :class:`Diagnostic` objects sorted
by position.  It works on the lexer's tokens in two phases, the way the real
compilers do:

1. **syntax** (lexical errors, balance of ``{ } ( ) [ ]`` and predicate
   slashes, clause structure, control lines and pragmas): like libdtrace and
   bpftrace's parser, this stops at the first error;
2. **semantics** (unknown functions and variables, argument counts, the
   lquantize/llquantize/lhist arithmetic, aggregations used as values...) and
   **warnings** (nothing to plot, destructive actions, ``self->`` in profile
   clauses, providers the platform lacks).  For D, the front end of
   :mod:`.d` (DTrace's grammar, symbol table and types) runs first and gives
   the error dtrace would stop at, with its ``D_*`` tag in ``Diagnostic.code``;
   scripts that ask for cpp are preprocessed (:mod:`.d.preprocess`).

Messages use libdtrace's wording (D) and bpftrace 0.17's (bpftrace) wherever
the fact sheet or the compilers' sources give it.  D errors point at the
offending token (libdtrace itself only prints a line); bpftrace errors use
bpftrace's own column, the start of the run of non-blank characters holding the
token, so they match ``bpftrace -d`` exactly.

:func:`check` adds the real compiler's verdict (see :mod:`.compilers`) where
one is installed: it has the last word on errors, the linter keeps its warnings.

This module holds the entry points; the checks are in :mod:`.lint_d` and
:mod:`.lint_bpftrace`, on the shared machinery of :mod:`.lint_base` (structure,
reporting) and :mod:`.lint_cache` (lexing line by line through a cache).
"""

from __future__ import annotations

import gc
import os
import re

from .diagnostics import Diagnostic
from .lexer import normalize_lang
from .lint_bpftrace import BtLinter
from .lint_d import DLinter
from .vocabulary import PLATFORMS

__all__ = ["Diagnostic", "check", "detect_lang", "lint"]


def lint(text: str, lang: str = "d", file: str = "<script>", platform: str | None = None) -> list[Diagnostic]:
    """Lint ``text`` as ``lang`` ("d" or "bpftrace"); ``platform`` enables the per-OS checks.

    Returns diagnostics sorted by position: syntax errors stop at the first one
    (as the compilers do); otherwise every semantic error and warning is listed.
    """
    lang = normalize_lang(lang)
    if platform is not None and platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}")
    cls = DLinter if lang == "d" else BtLinter
    gc_was_enabled = gc.isenabled()
    gc.disable()  # tokens are plain tuples: no cycles to collect, and collections cost more than the lint
    try:
        return cls(text, file, platform).run()
    finally:
        if gc_was_enabled:
            gc.enable()


def detect_lang(path: str | os.PathLike[str] | None, text: str = "") -> str:
    """``"d"`` or ``"bpftrace"`` from the file name, the ``#!`` line, then the content."""
    if path:
        ext = os.path.splitext(os.fspath(path))[1].lower()
        if ext == ".d":
            return "d"
        if ext in (".bt", ".bpftrace"):
            return "bpftrace"
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("#!"):
        if "bpftrace" in first:
            return "bpftrace"
        if "dtrace" in first:
            return "d"
    bt = len(
        re.findall(
            r"(?m)^\s*(?:kprobe|kretprobe|uprobe|uretprobe|tracepoint|usdt|interval|software|hardware|"
            r"kfunc|kretfunc|profile|t|k|kr|u|ur|i|p|f|fr):",
            text,
        )
    )
    bt += len(re.findall(r"//|\$[a-z_]\w*\s*=|\bcomm\b|\bnsecs\b|\bhist\(|\blhist\(", text))
    d = len(
        re.findall(
            r"(?m)^\s*[\w$*-]*:[\w*-]*:[\w*-]*:[\w*-]*|\bself->|\bthis->|#pragma D|\bexecname\b|"
            r"\bquantize\(|\blquantize\(|\bprinta\(|\btimestamp\b|^\s*(?:profile|tick)-\d",
            text,
        )
    )
    return "bpftrace" if bt > d else "d"


def check(
    text: str,
    lang: str = "d",
    file: str = "<script>",
    platform: str | None = None,
    compiler: bool = True,
) -> list[Diagnostic]:
    """Lint, then let the real compiler (when one is installed here) have the last word on errors.

    With a compiler, its errors and warnings replace the linter's errors; the
    linter's warnings (nothing to plot, destructive actions...) are kept.
    """
    diags = lint(text, lang, file, platform)
    if not compiler:
        return diags
    from .compilers import compiler_check  # deferred: runs subprocesses

    real = compiler_check(text, normalize_lang(lang), file)
    if real is None:
        return diags
    seen = {(d.line, d.message) for d in real}
    merged = list(real) + [d for d in diags if d.severity == "warning" and (d.line, d.message) not in seen]
    merged.sort(key=lambda d: (d.line, d.column, d.severity != "error"))
    return merged
