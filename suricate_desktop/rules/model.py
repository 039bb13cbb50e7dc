"""Rules and their TOML file: parse, validate (each error at its line), write back.

A rules file is a list of ``[[rule]]`` tables, each with its ``[[rule.action]]``
tables (docs/rules.md). The file is read one rule at a time: a rule whose TOML
does not parse, or that does not validate, is reported as a ``RuleProblem``
(file, line, message) and left out, and every other rule still loads.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

CONDITIONS = ("threshold", "rate", "silence", "score", "anomaly_rate")
OPS = (">", ">=", "<", "<=")
SEVERITIES = ("info", "warning", "critical")
VIEWS = ("interval", "cumulative")
ACTION_TYPES = ("amqp", "command", "webhook", "trace")
#: What a command's arguments may name as {placeholder} (fields of the alert, docs/rules.md).
PLACEHOLDERS = (
    "id",
    "rule",
    "severity",
    "state",
    "host",
    "source",
    "agg",
    "key",
    "series",
    "value",
    "score",
    "reason",
    "threshold",
    "ts",
    "time",
    "fired_at",
    "resolved_at",
    "description",
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ACTION_ON = ("firing", "resolved")
DEFAULT_ALERT_EXCHANGE = "suricate.alerts"

_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]\s*(#.*)?$")
_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


class RuleError(ValueError):
    """A rule that does not validate; ``field`` names the offending key."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
        #: Every problem of the rule, this one first (``parse_rule`` checks every field).
        self.errors: list[RuleError] = [self]


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """A rule left out of the file's rules: where and why."""

    path: str
    line: int
    message: str
    rule: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: error: {self.message}"


@dataclass(frozen=True)
class Action:
    """What to do when a rule fires (or resolves)."""

    type: str
    on: tuple[str, ...] = ("firing",)
    retries: int = 3
    backoff: float = 1.0
    timeout: float = 10.0
    #: amqp: exchange and broker (None: the engine's broker)
    exchange: str = DEFAULT_ALERT_EXCHANGE
    broker: str | None = None
    #: command: the argument list, placeholders like {host} filled per alert
    args: tuple[str, ...] = ()
    #: webhook
    url: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    #: trace: the script (or a file), its language and backend, for how long
    script: str = ""
    script_file: str = ""
    lang: str | None = None
    backend: str = "auto"
    duration: float = 10.0
    interval: float = 1.0
    secret_file: str | None = None
    record: bool = True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        defaults = Action(self.type)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "type" or value == getattr(defaults, f.name):
                continue
            if f.name == "headers":
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


@dataclass(frozen=True)
class Rule:
    """A condition over selected series, when it counts as firing, and what then happens."""

    name: str
    type: str = "threshold"
    severity: str = "warning"
    enabled: bool = True
    description: str = ""
    #: which series: glob patterns on host, source, aggregation and key text ("bash", "bash,42", "bash [4..7]")
    host: str = "*"
    source: str = "*"
    agg: str = "*"
    key: str = "*"
    view: str = "interval"
    op: str = ">"
    threshold: float = 0.0
    #: hysteresis: the value must cross ``clear`` (default: the threshold) for ``clear_for`` seconds to resolve
    clear: float | None = None
    for_: float = 0.0
    clear_for: float = 0.0
    cooldown: float = 0.0
    #: flap detection: ``flap_count`` firings within ``flap_window`` seconds = flapping (actions held)
    flap_window: float = 0.0
    flap_count: int = 0
    #: score / anomaly_rate: the scorer, its options, and how many rows of history it sees
    scorer: str = "zscore"
    scorer_options: tuple[tuple[str, Any], ...] = ()
    history: int = 60
    #: anomaly_rate: fraction of the points of the last ``window`` seconds whose score passes ``score_threshold``
    window: float = 60.0
    score_threshold: float = 4.0
    #: actions: at most this many runs per minute of data time for the whole rule (0: no limit)
    rate_limit: int = 10
    labels: tuple[tuple[str, str], ...] = ()
    actions: tuple[Action, ...] = ()
    line: int = 0

    # -- selection ---------------------------------------------------------------------------------------------------
    def matches_stream(self, stream: tuple[str, str, str]) -> bool:
        host, source, agg = stream
        return (
            fnmatchcase(host, self.host) and fnmatchcase(source, self.source) and fnmatchcase(agg, self.agg)
        )

    @property
    def clear_level(self) -> float:
        return self.threshold if self.clear is None else self.clear

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        defaults = Rule(self.name)
        for f in fields(self):
            if f.name in ("name", "actions", "line"):
                continue
            value = getattr(self, f.name)
            if value == getattr(defaults, f.name) and f.name not in ("type", "threshold", "op"):
                continue
            key = "for" if f.name == "for_" else f.name
            if f.name in ("labels", "scorer_options"):
                value = dict(value)
            out[key] = value
        if self.actions:
            out["action"] = [a.to_dict() for a in self.actions]
        return out


@dataclass
class RuleSet:
    """The rules of one file that validated, and the problems of those that did not."""

    rules: list[Rule] = field(default_factory=list)
    problems: list[RuleProblem] = field(default_factory=list)
    path: str = "<rules>"

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(f"no rule {name!r}")


# -- reading -----------------------------------------------------------------------------------------------------------
def load(path: str | Path) -> RuleSet:
    path = Path(path)
    return loads(path.read_text(encoding="utf-8"), str(path))


def loads(text: str, path: str = "<rules>") -> RuleSet:
    """Every rule of ``text`` that parses and validates; a problem (at its line) for each that does not."""
    result = RuleSet(path=path)
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    preamble = "\n".join(lines[: starts[0]] if starts else lines)
    try:
        top = tomllib.loads(preamble)
    except tomllib.TOMLDecodeError as exc:
        result.problems.append(RuleProblem(path, _toml_line(exc, 0), f"TOML: {_toml_message(exc)}"))
        top = {}
    for key in top:
        if key != "defaults":
            result.problems.append(
                RuleProblem(
                    path,
                    _find_line(lines, 0, len(lines), key) or 1,
                    f"unknown top-level key {key!r} (rules are [[rule]] tables)",
                )
            )
    defaults = top.get("defaults", {}) if isinstance(top.get("defaults", {}), dict) else {}
    names: set[str] = set()
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chunk = "\n".join(lines[start:end])
        try:
            doc = tomllib.loads(chunk)
        except tomllib.TOMLDecodeError as exc:
            result.problems.append(RuleProblem(path, _toml_line(exc, start), f"TOML: {_toml_message(exc)}"))
            continue
        extra = [k for k in doc if k != "rule"]
        raw = doc.get("rule", [{}])[0]
        try:
            if extra:
                raise RuleError(
                    f"table {extra[0]!r} inside a rule; only [[rule.action]] belongs there", extra[0]
                )
            rule = parse_rule({**defaults, **raw}, line=start + 1)
            if rule.name in names:
                raise RuleError(f"a second rule named {rule.name!r}", "name")
        except RuleError as exc:
            name = raw.get("name") if isinstance(raw.get("name"), str) else None
            for error in exc.errors:
                line = (_find_line(lines, start, end, error.field) if error.field else None) or start + 1
                result.problems.append(RuleProblem(path, line, str(error), name))
            continue
        names.add(rule.name)
        result.rules.append(rule)
    return result


def parse_rule(doc: dict[str, Any], line: int = 0) -> Rule:
    """A validated ``Rule`` from one ``[[rule]]`` table; ``RuleError`` naming the field otherwise.

    Every field is checked, not only up to the first bad one: the error raised is the first, and its
    ``errors`` lists them all (an editor shows them at once rather than one per attempt)."""
    doc = dict(doc)
    errors: list[RuleError] = []

    def check(step: Any) -> None:
        try:
            step()
        except RuleError as exc:
            errors.append(exc)

    known = {f.name for f in fields(Rule)} - {"for_", "actions", "line", "labels", "scorer_options"}
    known |= {"for", "action", "labels", "scorer_options"}
    for key in doc:
        if key not in known:
            errors.append(RuleError(f"unknown field {key!r}", key))
    kw: dict[str, Any] = {"name": "", "line": line}

    def name() -> None:
        kw["name"] = _str(doc, "name", required=True)
        if not _NAME.match(kw["name"]):
            raise RuleError(f"name {kw['name']!r}: letters, digits and _ . : - only (1-100)", "name")

    check(name)
    for key, choices, default in (
        ("type", CONDITIONS, "threshold"),
        ("severity", SEVERITIES, "warning"),
        ("view", VIEWS, "interval"),
        ("op", OPS, ">"),
    ):
        check(
            lambda key=key, choices=choices, default=default: kw.__setitem__(
                key, _choice(doc, key, choices, default)
            )
        )
    kind = kw.get("type", "threshold")
    if "enabled" in doc:
        check(lambda: kw.__setitem__("enabled", _bool(doc, "enabled")))
    for key in ("description", "host", "source", "agg", "key", "scorer"):
        if key in doc:
            check(lambda key=key: kw.__setitem__(key, _str(doc, key)))

    def threshold() -> None:
        if "threshold" not in doc:
            raise RuleError(
                "missing field 'threshold'" + (" (seconds of silence)" if kind == "silence" else ""),
                "type" if "type" in doc else "name",
            )
        if kind == "silence":
            kw["threshold"] = duration(doc["threshold"], "threshold")
            if kw["threshold"] <= 0:
                raise RuleError("threshold: a silence must last more than 0 seconds", "threshold")
        else:
            kw["threshold"] = _number(doc, "threshold")
        if kind == "anomaly_rate" and not 0 <= kw["threshold"] <= 1:
            raise RuleError("threshold: an anomaly rate is a fraction between 0 and 1", "threshold")

    check(threshold)

    def clear() -> None:
        kw["clear"] = _number(doc, "clear")
        above = kw.get("op", ">").startswith(">")
        limit = kw.get("threshold")
        if limit is not None and ((above and kw["clear"] > limit) or (not above and kw["clear"] < limit)):
            raise RuleError(
                f"clear {kw['clear']:g} is on the firing side of threshold {limit:g} (op {kw.get('op', '>')})",
                "clear",
            )

    if "clear" in doc:
        check(clear)
    for key, attr in (
        ("for", "for_"),
        ("clear_for", "clear_for"),
        ("cooldown", "cooldown"),
        ("flap_window", "flap_window"),
        ("window", "window"),
    ):
        if key in doc:
            check(lambda key=key, attr=attr: kw.__setitem__(attr, duration(doc[key], key)))
    for key in ("flap_count", "history", "rate_limit"):
        if key in doc:
            check(lambda key=key: kw.__setitem__(key, _int(doc, key, minimum=0)))
    if kw.get("history", 60) < 3:
        errors.append(RuleError("history: a scorer needs at least 3 rows", "history"))
    if "score_threshold" in doc:
        check(lambda: kw.__setitem__("score_threshold", _number(doc, "score_threshold")))
    if bool(kw.get("flap_window")) != bool(kw.get("flap_count")):
        errors.append(RuleError("flap detection needs both flap_window and flap_count", "flap_window"))
    if kind in ("score", "anomaly_rate"):
        from .scoring import scorer_names

        if kw.get("scorer", "zscore") not in scorer_names():
            errors.append(
                RuleError(
                    f"scorer: unknown scorer {kw.get('scorer')!r}; known: {', '.join(scorer_names())}",
                    "scorer",
                )
            )
    for key in ("labels", "scorer_options"):
        if key in doc:
            if not isinstance(doc[key], dict):
                errors.append(RuleError(f"{key}: expected a table", key))
                continue
            kw[key] = tuple(
                sorted((str(k), v if key == "scorer_options" else str(v)) for k, v in doc[key].items())
            )
    if kind in ("score", "anomaly_rate") and not any(e.field in ("scorer", "scorer_options") for e in errors):
        _check_scorer_options(kw, errors)
    actions = doc.get("action", [])
    if not isinstance(actions, list):
        errors.append(RuleError("action: expected [[rule.action]] tables", "action"))
        actions = []
    parsed: list[Action] = []
    for i, a in enumerate(actions):
        check(lambda i=i, a=a: parsed.append(parse_action(a, i)))
    kw["actions"] = tuple(parsed)
    if errors:
        first = errors[0]
        first.errors = errors
        raise first
    return Rule(**kw)


def _check_scorer_options(kw: dict[str, Any], errors: list[RuleError]) -> None:
    """A rule's scorer made once with its options, so that an option the scorer does not take (a name
    misspelt, ``window = 1``, ``any_stream = "yes"``) is the rule's error at its line, not a traceback in
    the engine's thread when it starts (before, ``rules check`` said the rule was fine, ``rules run`` died on
    it, and the panel's engine went on with half its rules). Option values are numbers, text or switches."""
    from .scoring import make_scorer

    options = dict(kw.get("scorer_options", ()))
    nested = [k for k, v in options.items() if not isinstance(v, (bool, int, float, str))]
    if nested:
        errors.append(
            RuleError(f"scorer_options: {nested[0]} must be a number, text or true/false", "scorer_options")
        )
        return
    scorer = kw.get("scorer", "zscore")
    try:
        make_scorer(scorer, options)
    except (TypeError, ValueError) as exc:
        unknown = re.search(r"unexpected keyword argument '([^']*)'", str(exc))
        said = f"scorer {scorer!r} has no option {unknown.group(1)!r}" if unknown else str(exc)
        errors.append(RuleError(f"scorer_options: {said}", "scorer_options"))


def parse_action(doc: Any, index: int = 0) -> Action:
    where = f"action {index + 1}"
    if not isinstance(doc, dict):
        raise RuleError(f"{where}: expected a table", "action")
    doc = dict(doc)
    known = {f.name for f in fields(Action)}
    for key in doc:
        if key not in known:
            raise RuleError(f"{where}: unknown field {key!r}", key)
    kind = doc.get("type")
    if kind not in ACTION_TYPES:
        raise RuleError(f"{where}: type must be one of {', '.join(ACTION_TYPES)}, not {kind!r}", "type")
    kw: dict[str, Any] = {"type": kind}
    if "on" in doc:
        on = doc["on"] if isinstance(doc["on"], list) else [doc["on"]]
        if not on or any(o not in ACTION_ON for o in on):
            raise RuleError(f"{where}: on must list {' and/or '.join(ACTION_ON)}", "on")
        kw["on"] = tuple(on)
    for key in ("retries",):
        if key in doc:
            kw[key] = _int(doc, key, minimum=0)
    for key in ("backoff", "timeout", "duration", "interval"):
        if key in doc:
            kw[key] = duration(doc[key], key)
    for key in ("exchange", "broker", "url", "script", "script_file", "lang", "backend", "secret_file"):
        if key in doc:
            kw[key] = _str(doc, key)
    if "record" in doc:
        kw["record"] = _bool(doc, "record")
    if kind == "command":
        args = doc.get("args")
        if not isinstance(args, list) or not args or not all(isinstance(a, str) for a in args):
            raise RuleError(f"{where}: a command needs args, a non-empty list of strings (no shell)", "args")
        for arg in args:
            for name in _PLACEHOLDER.findall(arg):
                if name not in PLACEHOLDERS:
                    raise RuleError(
                        f"{where}: unknown placeholder {{{name}}} in {arg!r}; known: "
                        + ", ".join(PLACEHOLDERS),
                        "args",
                    )
        kw["args"] = tuple(args)
    if kind == "webhook":
        url = kw.get("url", "")
        if not url.startswith(("http://", "https://")):
            raise RuleError(f"{where}: a webhook needs an http:// or https:// url", "url")
        if "headers" in doc:
            if not isinstance(doc["headers"], dict):
                raise RuleError(f"{where}: headers: expected a table", "headers")
            kw["headers"] = tuple(sorted((str(k), str(v)) for k, v in doc["headers"].items()))
    if kind == "trace":
        if not kw.get("script") and not kw.get("script_file") and kw.get("backend") != "sampler":
            raise RuleError(
                f"{where}: a trace needs a script or script_file (or backend 'sampler')", "script"
            )
        if kw.get("duration", 10.0) <= 0:
            raise RuleError(f"{where}: duration must be above 0", "duration")
    return Action(**kw)


def duration(value: Any, name: str = "duration") -> float:
    """Seconds from a number or a string like ``"90s"``, ``"5m"``, ``"1h"``, ``"250ms"``."""
    if isinstance(value, bool):
        raise RuleError(f"{name}: expected seconds, got a boolean", name)
    if isinstance(value, (int, float)):
        if value < 0:
            raise RuleError(f"{name}: must not be negative", name)
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            return float(m.group(1)) * _UNITS[m.group(2)]
    raise RuleError(f"{name}: expected seconds or a duration like '30s', '5m', got {value!r}", name)


def _str(doc: dict[str, Any], key: str, required: bool = False) -> str:
    if key not in doc:
        if required:
            raise RuleError(f"missing field {key!r}", None)
        return ""
    value = doc[key]
    if not isinstance(value, str):
        raise RuleError(f"{key}: expected a string, got {type(value).__name__}", key)
    return value


def _bool(doc: dict[str, Any], key: str) -> bool:
    value = doc[key]
    if not isinstance(value, bool):
        raise RuleError(f"{key}: expected true or false", key)
    return value


def _number(doc: dict[str, Any], key: str) -> float:
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RuleError(f"{key}: expected a number, got {value!r}", key)
    return float(value)


def _int(doc: dict[str, Any], key: str, minimum: int = 0) -> int:
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RuleError(f"{key}: expected an integer >= {minimum}, got {value!r}", key)
    return value


def _choice(doc: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = doc.get(key, default)
    if value not in choices:
        raise RuleError(f"{key}: expected one of {', '.join(choices)}, got {value!r}", key)
    return str(value)


def _toml_line(exc: tomllib.TOMLDecodeError, offset: int) -> int:
    m = re.search(r"line (\d+)", str(exc))
    return offset + (int(m.group(1)) if m else 1)


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", str(exc))


def _find_line(lines: list[str], start: int, end: int, key: str | None) -> int | None:
    if not key:
        return None
    pattern = re.compile(rf"^\s*(\"?{re.escape(key)}\"?)\s*=")
    for i in range(start, end):
        if pattern.match(lines[i]):
            return i + 1
    return None


# -- writing -----------------------------------------------------------------------------------------------------------
def dumps(rules: list[Rule] | RuleSet) -> str:
    """The rules as a TOML file that ``loads`` reads back to the same rules (comments are not kept)."""
    out = ["# Suricate rules (docs/rules.md)", ""]
    for rule in rules:
        doc = rule.to_dict()
        actions = doc.pop("action", [])
        out.append("[[rule]]")
        for key, value in doc.items():
            out.append(f"{_key(key)} = {_value(value)}")
        for action in actions:
            out.append("")
            out.append("[[rule.action]]")
            for key, value in action.items():
                out.append(f"{_key(key)} = {_value(value)}")
        out.append("")
    return "\n".join(out)


def dump(rules: list[Rule] | RuleSet, path: str | Path) -> None:
    import os

    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dumps(rules), encoding="utf-8")
    os.replace(tmp, path)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _string(s: str) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"nan": "nan", "inf": "inf", "-inf": "-inf"}[repr(value)]
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + " }"
    if value is None:
        raise ValueError("TOML has no null")
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


__all__ = [
    "ACTION_TYPES",
    "CONDITIONS",
    "PLACEHOLDERS",
    "Action",
    "Rule",
    "RuleError",
    "RuleProblem",
    "RuleSet",
    "dump",
    "dumps",
    "duration",
    "load",
    "loads",
    "parse_action",
    "parse_rule",
]
