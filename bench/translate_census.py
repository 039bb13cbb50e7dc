"""Census of ``suricate translate`` on the DTraceToolkit: every script's outcome, grouped by cause.

    python bench/translate_census.py [--markdown] [--no-dry-run]

Each of the 193 scripts (tests/data/corpora/dtracetoolkit) is translated, or refused with the
first refusal's line and message.  Refusals are sorted into the causes the issue names (a USDT
runtime provider; a provider only illumos has; illumos kernel data; a D feature bpftrace lacks)
and "translatable, not yet" for what Linux has but the translator does not do: that last group is
the translator's to-do list.  Translations are run through ``bpftrace -d`` when bpftrace is there
and we are root.  ``--markdown`` also writes docs/translate-dtracetoolkit.md, so the page is
generated, never edited by hand.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from suricate_desktop.lang import ScriptError  # noqa: E402
from suricate_desktop.lang.translate import translate_program  # noqa: E402

TOOLKIT = ROOT / "tests" / "data" / "corpora" / "dtracetoolkit"
PAGE = ROOT / "docs" / "translate-dtracetoolkit.md"

USDT = "USDT runtime provider"
ILLUMOS_PROVIDER = "illumos-only provider"
ILLUMOS_DATA = "illumos kernel data"
D_FEATURE = "D feature bpftrace lacks"
NOT_YET = "translatable, not yet"
GROUPS = (USDT, ILLUMOS_PROVIDER, ILLUMOS_DATA, D_FEATURE, NOT_YET)

#: Providers of language runtimes (and their probes in the scripts): USDT, which on Linux needs the
#: binary's path.  A script using one is in that group even when it stops earlier (at #define).
_RUNTIME = re.compile(r"^\s*(hotspot|javascript|php|perl|python|ruby|tcl|sh|pid)[\w$*]*:", re.M)

#: (group, message pattern) in order; the first match decides.
_CAUSES: tuple[tuple[str, str], ...] = (
    (USDT, r"USDT|binary's path"),
    (ILLUMOS_PROVIDER, r"sysinfo provider|vminfo probe|lockstat|sdt probes|io probe 'wait-"),
    (ILLUMOS_PROVIDER, r"mib probe"),  # (reclassified below when Linux has a tracepoint for it)
    (ILLUMOS_DATA, r"curthread|curcpu|curlwpsinfo|curpsinfo|kernel structures differ|kernel types differ"),
    (
        ILLUMOS_DATA,
        r"args\[\] on fbt|io provider arguments|unknown array|kernel symbols|every kernel function",
    ),
    (D_FEATURE, r"vtimestamp|destructive|has no bpftrace 0\.17 equivalent|#include|walltimestamp"),
)

#: mib probes whose counters Linux keeps in /proc/net/snmp but has no tracepoint for, by name pattern.
_MIB_WITHOUT_TRACEPOINT = re.compile(r"mib:::(icmp|udp|ip|tcp(Out|In)\w*(Bytes|Segs|Datagrams))")


#: What stops a script later, whatever its first refusal: (pattern in the script, group, why).
_LATER: tuple[tuple[str, str, str], ...] = (
    (r"\bsystem\s*\(", D_FEATURE, "system() is destructive (bpftrace needs --unsafe)"),
    (r"\bjstack\s*\(", D_FEATURE, "jstack() needs the runtime's ustack helper"),
    (
        r"(?<!stringof\()\bcopyin\s*\(",
        D_FEATURE,
        "copyin() has no bpftrace 0.17 equivalent",
    ),  # (but under stringof)
    (r"\bxlate\s*<", D_FEATURE, "xlate: bpftrace has no translators"),
)


def classify(text: str, message: str) -> tuple[str, str]:
    """The cause of a refusal with ``message`` of the script ``text``, and what stops it later (or "")."""
    if _RUNTIME.search(text) and "#define" in message:
        return USDT, ""
    for group, pattern in _CAUSES:
        if re.search(pattern, message):
            if "mib probe" in message and not _MIB_WITHOUT_TRACEPOINT.search(message):
                return NOT_YET, ""
            return group, ""
    for pattern, group, why in _LATER:
        if re.search(pattern, text):
            return group, why
    return NOT_YET, ""


def census() -> list[tuple[str, str, int, str, str | None]]:
    """(script, group or "translated", line, message, translation text) for every toolkit script."""
    rows: list[tuple[str, str, int, str, str | None]] = []
    for path in sorted(TOOLKIT.glob("*.d")):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            result = translate_program(text, path.name)
        except ScriptError as err:
            first = min(err.diagnostics, key=lambda d: (d.line, d.column))
            group, later = classify(text, first.message)
            message = first.message + (f" (and later: {later})" if later else "")
            rows.append((path.name, group, first.line, message, None))
            continue
        note = f"{len(result.warnings)} warning(s)" if result.warnings else ""
        rows.append((path.name, "translated", 0, note, result.text))
    return rows


def dry_runs(rows: list[tuple[str, str, int, str, str | None]]) -> dict[str, bool] | None:
    """Script name -> accepted by ``bpftrace -d``; None when bpftrace cannot be run here."""
    import bpftrace_dryrun as bd

    if bd.SKIP_REASON is not None:
        return None
    texts = {name: t for name, _, _, _, t in rows if t is not None}
    results = bd.dry_run_all(list(texts.values()))
    return {name: results[t].ok for name, t in texts.items()}


def render(rows: list[tuple[str, str, int, str, str | None]], accepted: dict[str, bool] | None) -> str:
    """The census as a markdown page."""
    counts = {g: sum(1 for r in rows if r[1] == g) for g in ("translated", *GROUPS)}
    out = [
        "# `suricate translate` on the DTraceToolkit",
        "",
        "Generated by `python bench/translate_census.py --markdown`; do not edit by hand.",
        f"Every one of the {len(rows)} scripts of tests/data/corpora/dtracetoolkit: translated, or refused at",
        'the first refusal\'s line with its message, grouped by cause. "Translatable, not yet" is what Linux',
        "has and the translator does not do yet.",
        "",
        "| outcome | scripts |",
        "|---|---|",
    ]
    out += [f"| {g} | {n} |" for g, n in counts.items()]
    out += ["", "## translated", ""]
    if accepted is None:
        out.append("(`bpftrace -d` not run: needs bpftrace and root)")
    else:
        ok = sum(accepted.values())
        out.append(f"`bpftrace -d` (bpftrace 0.17, as root) accepts {ok} of {len(accepted)}.")
    out += ["", "| script | bpftrace -d | warnings |", "|---|---|---|"]
    for name, group, _, note, _ in rows:
        if group == "translated":
            verdict = "not run" if accepted is None else ("accepted" if accepted[name] else "REJECTED")
            out.append(f"| {name} | {verdict} | {note} |")
    for g in GROUPS:
        out += ["", f"## {g} ({counts[g]})", "", "| script | line | first refusal |", "|---|---|---|"]
        for name, group, line, message, _ in rows:
            if group == g:
                out.append(f"| {name} | {line} | {message.replace('|', chr(92) + '|')} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--markdown", action="store_true", help=f"also write {PAGE.relative_to(ROOT)}")
    ap.add_argument("--no-dry-run", action="store_true", help="do not run bpftrace -d on the translations")
    args = ap.parse_args(argv)
    rows = census()
    accepted = None if args.no_dry_run else dry_runs(rows)
    for name, group, line, message, _ in rows:
        if group == "translated":
            verdict = (
                ""
                if accepted is None
                else (" (bpftrace -d ok)" if accepted[name] else " (bpftrace -d REJECTS)")
            )
            print(f"{name}: translated{verdict} {message}")
        else:
            print(f"{name}: {group}: line {line}: {message}")
    print()
    for g in ("translated", *GROUPS):
        print(f"{g}: {sum(1 for r in rows if r[1] == g)}")
    if args.markdown:
        PAGE.write_text(render(rows, accepted), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
