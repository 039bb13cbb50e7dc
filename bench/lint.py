"""Benchmark the lexers and the linter on a 2,000-line script built from the test corpus.

    python bench/lint.py [--runs 21] [--lines 2000]

Prints tokens per second (whole-text lexing and block-by-block lexing, as the
editor's highlighter does it) and the time to lint the script, best and median
of several runs, against the goal of linting 2,000 lines in under 20 ms:

* lint, cold: the linter's line cache and the D front end's clause memo emptied
  before each run (a script opened);
* lint, as typed: one line edited before each run (what the editor does on a
  keystroke; the lines not edited come from the linter's line cache).

Timings on a shared machine vary from run to run; best-of-N is the figure to compare.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from suricate_desktop.lang import lint_cache  # noqa: E402
from suricate_desktop.lang.d import memo as d_memo  # noqa: E402
from suricate_desktop.lang.lexer import tokenize, tokenize_line  # noqa: E402
from suricate_desktop.lang.lint import lint  # noqa: E402
from suricate_desktop.lang.tokens import TokenType  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
GOAL_MS = 20.0


def build_script(lang: str, lines: int) -> str:
    """Whole valid corpus scripts (aggregations renamed per copy), padded with comments to ``lines`` lines."""
    ext = ".d" if lang == "d" else ".bt"
    sources = [p.read_text() for p in sorted((CORPUS / lang / "valid").glob("*" + ext))]
    parts: list[str] = []
    count = copy = 0
    while True:
        src = sources[copy % len(sources)]
        copy += 1
        out = []
        for t in tokenize(src, lang):
            if t.type is TokenType.AGGREGATION:
                out.append(f"{t.text}_{copy}" if t.text != "@" else f"@a_{copy}")
            elif t.type is TokenType.COMMENT and t.text.startswith("#!"):
                out.append("/* " + t.text[2:] + " */")
            elif t.type is TokenType.PROBE and t.text in ("BEGIN", "END") and lang == "bpftrace":
                out.append("interval:s:1")  # bpftrace allows one BEGIN and one END
            else:
                out.append(t.text)
        text = "".join(out).rstrip("\n") + "\n\n"
        if lang == "d" and copy > len(sources):  # D rejects a second declaration of the same inline
            text = "".join(x for x in text.splitlines(keepends=True) if not x.startswith("inline "))
        n = text.count("\n")
        if count + n > lines:
            break
        parts.append(text)
        count += n
    filler = "/* padding */\n" if lang == "d" else "// padding\n"
    return "".join(parts) + filler * (lines - count)


def calibrate(runs: int = 9) -> float:
    """Best time of a fixed pure-Python loop (ms): how fast this machine is right now."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        x = 0
        for i in range(100_000):
            x += i
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def by_blocks(text: str, lang: str) -> int:
    state = None
    n = 0
    for line in text.split("\n"):
        toks, state = tokenize_line(line, lang, state)
        n += len(toks)
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--lines", type=int, default=2000)
    args = ap.parse_args(argv)
    print(
        f"goal: lint a {args.lines}-line script in under {GOAL_MS:.0f} ms (best of {args.runs} interleaved runs)"
    )
    print(f"machine: calibration loop {calibrate():.2f} ms before")
    scenarios: dict[tuple[str, str], object] = {}
    info = {}
    for lang in ("d", "bpftrace"):
        text = build_script(lang, args.lines)
        lines = text.split("\n")
        info[lang] = (
            text.count("\n"),
            len(text),
            len(tokenize(text, lang)),
            sum(1 for d in lint(text, lang) if d.severity == "error"),
        )

        def cold(text=text, lang=lang):
            lint_cache.LINE_CACHE.clear()
            d_memo.forget()
            lint(text, lang)

        def typed(lines=lines, lang=lang, edits=[0]):  # noqa: B006 - a counter kept across calls
            edits[0] += 1
            k = len(lines) // 2
            lint("\n".join([*lines[:k], lines[k] + f" /* {edits[0]} */", *lines[k + 1 :]]), lang)

        scenarios[(lang, "lex")] = lambda text=text, lang=lang: tokenize(text, lang)
        scenarios[(lang, "blocks")] = lambda text=text, lang=lang: by_blocks(text, lang)
        scenarios[(lang, "cold")] = cold
        scenarios[(lang, "typed")] = typed
    times: dict[tuple[str, str], list[float]] = {k: [] for k in scenarios}
    for _ in range(args.runs):  # interleaved, so that a busy moment hits every scenario alike
        for key, fn in scenarios.items():
            t0 = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - t0)
    print(f"machine: calibration loop {calibrate():.2f} ms after")
    verdicts = {}
    for lang in ("d", "bpftrace"):
        nlines, nchars, ntok, nerr = info[lang]
        print(f"\n[{lang}] {nlines} lines, {nchars} chars, {ntok} tokens, {nerr} lint errors")
        for what, label in (
            ("lex", "lex (whole text)"),
            ("blocks", "lex (block by block)"),
            ("cold", "lint, cold"),
            ("typed", "lint, as typed"),
        ):
            best, med = min(times[(lang, what)]), statistics.median(times[(lang, what)])
            line = f"  {label:<20s}  best {best * 1000:7.2f} ms  median {med * 1000:7.2f} ms"
            if what in ("lex", "blocks"):
                line += f"  -> {ntok / best / 1e6:5.2f} M tokens/s (best)"
            else:
                met = best * 1000 < GOAL_MS
                verdicts.setdefault(what, True)
                verdicts[what] &= met
                line += f"  -> goal {'met' if met else 'NOT met'}"
            print(line)
    print(
        f"\nresult: lint as typed {'meets' if verdicts['typed'] else 'misses'} the goal; "
        f"lint cold {'meets' if verdicts['cold'] else 'misses'} it"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
