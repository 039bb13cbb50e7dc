"""An alert (one rule on one series) and the bounded history of events, shared by the engine and its readers."""

from __future__ import annotations

import collections
import hashlib
import json
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, SupportsFloat, TextIO

import numpy as np

#: Every state an alert shows: its phase (ok, pending, firing, resolved), or acknowledged or silenced.
STATES = ("ok", "pending", "firing", "acknowledged", "silenced", "resolved")
#: ``Alert.silenced_until`` for "until it resolves".
FOREVER = math.inf


@dataclass
class Alert:
    """The state of one rule on one series (or one stream, for silence rules)."""

    rule: str
    stream: tuple[str, str, str]
    key: str
    phase: str = "ok"  # ok, pending, firing, resolved: what the data says
    state: str = "ok"  # what the user sees (adds acknowledged, silenced)
    id: str = ""
    value: float | None = None
    score: float | None = None
    #: what made the series' newest scored row unusual, as a model scorer says ("stopped"); "" otherwise
    reason: str = ""
    since: float | None = None  # pending since
    fired_at: float | None = None
    resolved_at: float | None = None
    clear_since: float | None = None
    last_fired: float | None = None
    acked: bool = False
    ack_comment: str = ""
    silenced_until: float = 0.0
    flapping: bool = False
    firings: collections.deque[float] = field(default_factory=lambda: collections.deque(maxlen=64))
    transitions: collections.deque[tuple[str, float]] = field(
        default_factory=lambda: collections.deque(maxlen=50)
    )
    actions: list[dict[str, Any]] = field(default_factory=list)
    updated: float = 0.0

    @property
    def series(self) -> str:
        name = ".".join(self.stream)
        return f"{name}[{self.key}]" if self.key else name


class AlertHistory:
    """The newest ``maxlen`` events, and every event appended to a JSON-lines file when ``path`` is set.

    The file is what a person reads after the fact, but a publisher inventing names makes events too:
    once it passes ``max_file_bytes`` it is renamed ``<path>.1`` (replacing the previous one, counted in
    ``rotations``) and a new file is started, so the history holds at most twice that on disk. On start
    only the newest ``maxlen`` lines are read back, from the end of the file(s), whatever their size.
    """

    def __init__(self, path: str | Path | None = None, maxlen: int = 10_000, max_file_bytes: int = 64 << 20):
        self.path = Path(path) if path else None
        self.max_file_bytes = max_file_bytes
        self.rotations = 0
        self._events: collections.deque[dict[str, Any]] = collections.deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._file: TextIO | None = None
        self._size = 0
        if self.path is not None:
            lines = _tail_lines(self.path, maxlen)
            if len(lines) < maxlen:
                lines = _tail_lines(_previous(self.path), maxlen - len(lines)) + lines
            for line in lines:
                try:
                    self._events.append(json.loads(line))
                except ValueError:
                    continue
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (open while the history is)
            self._size = self._file.tell()

    def append(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._events.append(event)
            if self._file is not None and self.path is not None:
                line = to_json(event) + "\n"
                if self._size + len(line) > self.max_file_bytes and self._size:
                    self._file.close()
                    self.path.replace(_previous(self.path))
                    self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (as in __init__)
                    self._size = 0
                    self.rotations += 1
                self._file.write(line)
                self._file.flush()
                self._size += len(line)  # json.dumps escapes non-ASCII: one byte a character

    def events(self, alert: str | None = None, rule: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                e
                for e in self._events
                if (alert is None or e.get("alert") == alert) and (rule is None or e.get("rule") == rule)
            ]

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def to_json(value: object, indent: int | None = None) -> str:
    """``value`` as strict JSON: NaN and infinities become null, numpy numbers plain numbers, sets and tuples
    lists, anything else its ``str``. What the history file, ``suricate rules run`` and the workbench write."""
    return json.dumps(_finite(value), default=_json_default, allow_nan=False, indent=indent)


def _previous(path: Path) -> Path:
    """Where a history file is moved when it is full (``<path>.1``)."""
    return path.with_name(path.name + ".1")


def _json_default(value: Any) -> object:
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def _finite(value: object) -> object:
    """``value`` with every NaN or infinite float replaced by None (JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _num(value: SupportsFloat | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value or value in (math.inf, -math.inf) else value


def _alert_id(rule: str, stream: tuple[str, ...], key: str, ts: float) -> str:
    text = f"{rule}\x00{'.'.join(stream)}\x00{key}\x00{ts:.6f}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _iso(ts: float | None) -> str | None:
    if ts is None or not math.isfinite(ts):
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int((ts % 1) * 1000):03d}Z"


def _tail_lines(path: Path, n: int, block: int = 1 << 16) -> list[str]:
    """The last ``n`` lines of a UTF-8 text file, read from its end (a missing file has none)."""
    if n <= 0:
        return []
    try:
        with open(path, "rb") as f:
            end = f.seek(0, 2)
            data = b""
            while end > 0 and data.count(b"\n") <= n:
                start = max(0, end - block)
                f.seek(start)
                data = f.read(end - start) + data
                end = start
    except FileNotFoundError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    if end > 0:
        lines = lines[1:]  # the first one may be cut
    return lines[-n:]
