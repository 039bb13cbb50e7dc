"""Edits of a rules file as text: one rule's ``[[rule]]`` table replaced, added, removed or switched on and off,
every other line (comments, order, layout) kept as the user wrote it, so the file stays readable and its diffs
show only what changed.

A rule's *span* runs from its ``[[rule]]`` line to its last line of content (its ``[[rule.action]]`` tables
included); blank lines and comments after it belong to whatever follows, as a comment above a rule usually
describes that rule.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from .model import _HEADER, RuleProblem, RuleSet, loads

_NAME_LINE = re.compile(r"""^\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')""")
_ACTION = re.compile(r"^\s*\[\[\s*rule\.action\s*\]\]")
_ENABLED = re.compile(r"^\s*enabled\s*=")


@dataclass(frozen=True)
class RuleSpan:
    """Lines ``start`` (the ``[[rule]]`` line) to ``end`` (exclusive), 0-based, and the rule's name if it has one."""

    name: str | None
    start: int
    end: int


def spans(text: str) -> list[RuleSpan]:
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    out = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        end = start + 1
        for i in range(start + 1, stop):
            stripped = lines[i].strip()
            if stripped and not stripped.startswith("#"):
                end = i + 1
        out.append(RuleSpan(_name_in(lines[start:end]), start, end))
    return out


def rule_text(text: str, name: str) -> str:
    """The rule's table (with its actions) as written in the file."""
    span = _find(text, name)
    return "\n".join(text.splitlines()[span.start : span.end]) + "\n"


def replace_rule(text: str, name: str, chunk: str) -> str:
    span = _find(text, name)
    lines = text.splitlines()
    lines[span.start : span.end] = chunk.rstrip("\n").splitlines()
    return "\n".join(lines) + "\n"


def append_rule(text: str, chunk: str) -> str:
    body = text.rstrip("\n")
    return (body + "\n\n" if body else "") + chunk.rstrip("\n") + "\n"


def remove_rule(text: str, name: str) -> str:
    span = _find(text, name)
    lines = text.splitlines()
    start, end = span.start, span.end
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1  # the comment right above it, which described it
    while end < len(lines) and not lines[end].strip():
        end += 1  # and the blank lines that separated it from the next
    del lines[start:end]
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


def set_enabled(text: str, name: str, enabled: bool) -> str:
    """Switch a rule on or off by its ``enabled`` line (added after its ``name`` line when it has none)."""
    span = _find(text, name)
    lines = text.splitlines()
    value = f"enabled = {'true' if enabled else 'false'}"
    name_at = None
    for i in range(span.start + 1, span.end):
        if _ACTION.match(lines[i]):
            break
        if _ENABLED.match(lines[i]):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            comment = lines[i].split("#", 1)[1] if "#" in lines[i] else None
            lines[i] = indent + value + (f"  #{comment}" if comment is not None else "")
            return "\n".join(lines) + "\n"
        if name_at is None and _NAME_LINE.match(lines[i]):
            name_at = i
    at = (name_at if name_at is not None else span.start) + 1
    lines.insert(at, value)
    return "\n".join(lines) + "\n"


@dataclass
class Check:
    """What a rule's text would make of the file: the new text, the rules, and the problems of that rule
    (``problems``, lines counted in the rule's text) apart from those of the rest of the file."""

    text: str
    ruleset: RuleSet
    problems: list[RuleProblem]
    name: str | None


def check_rule(text: str, chunk: str, replacing: str | None = None, path: str = "<rules>") -> Check:
    """Validate one rule's text as part of the file (its ``[defaults]`` apply; its name must be new unless it
    is the rule being replaced)."""
    own = [i for i, line in enumerate(chunk.splitlines()) if _HEADER.match(line)]
    if len(own) != 1 or own[0] != _first_content(chunk):
        line = own[1] + 1 if len(own) > 1 else 1
        message = (
            "one rule at a time: a second [[rule]] table"
            if len(own) > 1
            else "a rule starts with its [[rule]] line"
        )
        return Check(text, loads(text, path), [RuleProblem(path, line, message)], None)
    if replacing is not None:
        where = _find(text, replacing).start  # 0-based line of the rule's text in the new file
        new_text = replace_rule(text, replacing, chunk)
    else:
        body = text.rstrip("\n")
        where = len(body.splitlines()) + 1 if body else 0
        new_text = append_rule(text, chunk)
    count = len(chunk.rstrip("\n").splitlines())
    ruleset = loads(new_text, path)
    inside = range(where + 1, where + count + 1)  # its lines, 1-based, in the new file
    mine = [
        RuleProblem(p.path, p.line - where, p.message, p.rule) for p in ruleset.problems if p.line in inside
    ]
    # A duplicate name is reported at the second of the two; it is this rule's problem wherever that is.
    name = _name_in(chunk.splitlines()[own[0] :])
    for p in ruleset.problems:
        if p.line not in inside and p.rule == name and p.message.startswith("a second rule named"):
            mine.append(RuleProblem(p.path, own[0] + 1, p.message, p.rule))
    return Check(new_text, ruleset, mine, name)


def _find(text: str, name: str) -> RuleSpan:
    for span in spans(text):
        if span.name == name:
            return span
    raise KeyError(f"no rule {name!r} in the file")


def _first_content(chunk: str) -> int:
    for i, line in enumerate(chunk.splitlines()):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return i
    return -1


def _name_in(lines: list[str]) -> str | None:
    for line in lines[1:]:
        if _ACTION.match(line):
            break
        m = _NAME_LINE.match(line)
        if m:
            if m.group(1) is not None:
                try:
                    return str(tomllib.loads(f'n = "{m.group(1)}"')["n"])
                except tomllib.TOMLDecodeError:
                    return m.group(1)
            return m.group(2)
    return None


__all__ = [
    "Check",
    "RuleSpan",
    "append_rule",
    "check_rule",
    "remove_rule",
    "replace_rule",
    "rule_text",
    "set_enabled",
    "spans",
]
