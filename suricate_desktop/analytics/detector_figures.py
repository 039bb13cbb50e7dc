"""What each detector measured on the held-out evaluation, for the places where a user picks one.

Why: "keep the others as options, each with its measured figures" is only useful where the choice is
made. The Learn baseline dialog and ``suricate detect --list-detectors`` show these beside each
detector, so that picking ``iforest`` over the default is a choice made knowing it finds a sixth as
many changes. The figures are data (``detector_figures.json``), written by ``bench/heldout/evaluate.py
--figures`` from a run over HELD-OUT (docs/PERFORMANCE.md), never typed in by hand. Each holds the
threshold it was measured at, and a figure whose threshold is no longer the detector's is not shown
(a test keeps the file and the thresholds in step).
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .detectors import DETECTORS

FORMAT = "suricate-detector-figures/1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Measured:
    """One detector on HELD-OUT at its shipped threshold."""

    threshold: float
    standard: float  # NAB's standard score: 100 perfect, 0 the detector that never alarms
    recall: float  # the share of labelled changes with an alarm in their window
    fa_per_1000: float  # alarms outside every window, per 1,000 scored points
    us_per_point: float  # CPU time per point while the evaluation ran

    def brief(self) -> str:
        """The same in one short line (``detect --list-detectors``)."""
        return (
            f"held-out at threshold {self.threshold:g}: NAB {self.standard:.1f}, finds {100 * self.recall:.0f} % "
            f"of changes, {self.fa_per_1000:.1f} false alarms / 1,000 points, {self.us_per_point:.0f} µs a point"
        )

    def text(self) -> str:
        """One sentence a user reads beside the detector's name."""
        return (
            f"On held-out data (no parameter chosen on it), at threshold {self.threshold:g}: "
            f"NAB score {self.standard:.1f} (100 perfect, 0 never alarming), "
            f"{100 * self.recall:.0f} % of changes found, {self.fa_per_1000:.1f} false alarms per 1,000 "
            f"points, {self.us_per_point:.0f} µs a point."
        )


@functools.cache
def _table() -> dict[str, Any]:
    """The file's figures by kind; none, with a warning, where it cannot be read (a broken install must not
    take the Learn dialog with it: the figures are a help, not a part of any model)."""
    try:
        text = resources.files(__package__).joinpath("detector_figures.json").read_text(encoding="utf-8")
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, expected {FORMAT!r}")
        return dict(doc["detectors"])
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        log.warning("the detectors' held-out figures cannot be read (detector_figures.json): %s", exc)
        return {}


def measured(kind: str) -> Measured | None:
    """``kind``'s figures, or None: not measured, or measured at a threshold it no longer ships with."""
    row = _table().get(kind)
    cls = DETECTORS.get(kind)
    try:
        if row is None or cls is None or float(row["threshold"]) != float(cls.threshold):
            return None
        return Measured(**{name: float(row[name]) for name in Measured.__dataclass_fields__})
    except (KeyError, TypeError, ValueError):  # a row missing a figure, or one that is not a number
        return None
