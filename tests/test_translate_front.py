"""Lint and translate read D through one front end (lang/d): a script lint rejects, translate refuses there.

Before, translate had its own lexer and parser, and the two disagreed (``x = ;`` passed lint, translate
rejected it). Over the repository's D corpus and DTrace's own must-reject tests (dtrace-utils
err.D_*.d), every script with a lint error is refused by translate at the same line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from suricate_desktop.lang import ScriptError
from suricate_desktop.lang.lint import lint
from suricate_desktop.lang.translate import translate

HERE = Path(__file__).parent
SCRIPTS = sorted((HERE / "corpus" / "d").rglob("*.d")) + sorted(
    (HERE / "data" / "corpora" / "dtrace-utils-err").glob("*.d")
)


def _first_lint_error(text: str) -> int | None:
    errors = [d for d in lint(text, "d") if d.severity == "error"]
    return min(d.line for d in errors) if errors else None


def test_lint_errors_are_translate_refusals_at_the_same_line():
    assert len(SCRIPTS) > 550
    rejected = 0
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8", errors="replace")
        line = _first_lint_error(text)
        if line is None:
            continue
        rejected += 1
        with pytest.raises(ScriptError) as info:
            translate(text, path.name, arch="x86_64")
        assert info.value.first.line == line, (path.name, info.value.first.format())
    assert rejected > 470  # (85 % of the 552 must-reject scripts, and the corpus's broken ones)


@pytest.mark.parametrize(
    "script, line",
    [
        ("syscall::read:entry { x = ; }\n", 1),
        ("BEGIN\n{\n    i+-;\n}\n", 3),
        ("BEGIN\n/i != 0 && >= 5/\n{ exit(0); }\n", 2),
        ('BEGIN\n{\n    printf("%");\n}\n', 3),
    ],
)
def test_what_lint_rejects_translate_refuses_with_the_same_words(script, line):
    (err,) = [d for d in lint(script, "d") if d.severity == "error"]
    with pytest.raises(ScriptError) as info:
        translate(script, "s.d", arch="x86_64")
    first = info.value.first
    assert (first.line, first.column, first.message) == (err.line, err.column, err.message)
    assert first.line == line
