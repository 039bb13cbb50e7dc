"""The control server's accepted nonces on disk, so a request captured before an agent restart stays refused.

The nonce cache (transport/control.py) refuses a request whose nonce it saw in
the last ``2 * max_skew`` seconds. Kept in memory only, a restart would empty it
and a request captured shortly before could be played again while its timestamp
is still fresh. Refusing every request signed before the restart instead is
not enough when the desk's clock runs ahead of the agent's (a request sent just
before the restart carries a timestamp after it) and refuses good requests when
it runs behind; remembering the nonces themselves is right whatever the skew.

Format: one line per accepted request, ``<nonce> <expires> <ts>`` (expiry on the
agent's clock), and ``floor <ts>`` lines when the cache's floor rises. Every
line is written and fsync'd before the request is handled; on start the file
is read (unreadable lines are skipped), expired entries dropped, and the rest
written back atomically. It is rewritten the same way whenever it has grown to
twice what is still live, so it holds at most a few windows' worth of lines.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import TextIO

_ENTRY = re.compile(r"([0-9a-f]{16,128}) (\S+) (\S+)")
_FLOOR = re.compile(r"floor (\S+)")
#: Rewrite once this many lines were appended beyond what is live (and at least this many).
MIN_COMPACT = 1_000


class NonceJournal:
    """Append-only file of (nonce, expiry, request time), read back after a restart."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._file: TextIO | None = None
        self._lines = 0

    def load(self, now: float) -> tuple[list[tuple[str, float, float]], float]:
        """(live entries oldest first, floor) from the file; then the file holds only those. ``OSError`` when
        the file cannot be created or rewritten: the caller must not serve without it."""
        entries: dict[str, tuple[float, float]] = {}
        floor = -math.inf
        try:
            text = self.path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            text = ""
        for line in text.splitlines():
            m = _ENTRY.fullmatch(line)
            if m:
                expires, ts = _number(m.group(2)), _number(m.group(3))
                if expires is not None and ts is not None and expires > now:
                    entries[m.group(1)] = (expires, ts)
                continue
            m = _FLOOR.fullmatch(line)
            got = _number(m.group(1)) if m else None
            if got is not None:
                floor = max(floor, got)
        live = sorted(((n, e, t) for n, (e, t) in entries.items()), key=lambda item: item[1])
        self.rewrite(live, floor)
        return live, floor

    def record(self, nonce: str, expires: float, ts: float) -> None:
        """Append one accepted nonce and wait for it to be on disk (``OSError`` if it cannot be)."""
        self._append(f"{nonce} {expires!r} {ts!r}\n")

    def record_floor(self, floor: float) -> None:
        self._append(f"floor {floor!r}\n")

    def needs_compaction(self, live: int) -> bool:
        return self._lines >= max(MIN_COMPACT, 2 * live)

    def rewrite(self, live: list[tuple[str, float, float]], floor: float) -> None:
        """Replace the file with ``live`` entries and the floor: a temporary file, fsync'd, renamed."""
        self.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            if math.isfinite(floor):
                f.write(f"floor {floor!r}\n")
            for nonce, expires, ts in live:
                f.write(f"{nonce} {expires!r} {ts!r}\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        self._lines = len(live)
        self._file = open(self.path, "a", encoding="ascii")  # noqa: SIM115 - kept open for appends; close() closes it

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _append(self, line: str) -> None:
        if self._file is None:
            self._file = open(self.path, "a", encoding="ascii")  # noqa: SIM115 - kept open, as above
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._lines += 1


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
