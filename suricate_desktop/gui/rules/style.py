"""How alerts look everywhere in the workbench: one colour per state and severity, one way to write numbers
and times (the plots' own), so the rules table, the history and the plot marks agree."""

from __future__ import annotations

import time

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
    """A time of the alert history: the local time of day if it was today, else date and time; "–" if none."""
    if not isinstance(ts, (int, float)) or ts <= 0:
        return "–"
    if time.strftime("%Y-%m-%d", time.localtime(ts)) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M:%S", time.localtime(ts))
    return fmt_time(ts)


__all__ = ["SEVERITY_COLOURS", "STATE_COLOURS", "fmt_number", "fmt_time", "severity_colour", "when"]
