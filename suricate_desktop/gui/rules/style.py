"""How alerts look everywhere in the workbench: one colour per state and severity, one way to write numbers
and times (the plots' own), so the rules table, the history and the plot marks agree."""

from __future__ import annotations

from ..plots._data import fmt_number, fmt_time

STATE_COLOURS = {
    "ok": "#1a7f37",
    "pending": "#9a6700",
    "firing": "#cf222e",
    "acknowledged": "#8250df",
    "silenced": "#57606a",
    "resolved": "#0969da",
    "disabled": "#8c959f",
}
SEVERITY_COLOURS = {"critical": "#cf222e", "warning": "#bc4c00", "info": "#0969da"}


def severity_colour(severity: str | None) -> str:
    return SEVERITY_COLOURS.get(severity or "", SEVERITY_COLOURS["warning"])


def when(ts: float | None) -> str:
    """A time of the alert history: local date and time; "–" when there is none."""
    return fmt_time(ts) if isinstance(ts, (int, float)) and ts > 0 else "–"


__all__ = ["STATE_COLOURS", "SEVERITY_COLOURS", "fmt_number", "fmt_time", "severity_colour", "when"]
