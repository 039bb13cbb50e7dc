"""The detectors the "Learn baseline" dialog offers, and their parameters as the user reads and types them.

Kept apart from the dialog's layout code: the titles and help of each detector, and a
parameter's text both ways (the form's fields, and what QSettings keeps between sessions).
"""

from __future__ import annotations

from typing import Any

from ...analytics import DETECTORS
from ...analytics.detector_figures import measured
from ...analytics.detectors import Detector, EstimatorAdapter
from ...analytics.registry import DEFAULT_DETECTOR

#: The detectors offered, in order, with the name the user reads.
DETECTOR_TITLES = {
    "calibrated": "Calibrated: how rare each value is, on one scale for every key",
    "suricate": "Suricate: EWMA + seasonal, one alarm per incident",
    "sequence": "Sequence: learnt contexts + surprises (best on NAB)",
    "ensemble": "Ensemble: seasonal and change surprises, one alarm per incident",
    "contexts": "Contexts (CAD OSE): runs of binned values never seen in that order",
    "resonance": "Resonance (ARTime): new shapes of a downsampled key; cheap for many keys",
    "zscore": "Robust rolling z-score",
    "ewma": "EWMA z-score",
    "seasonal": "Seasonal profile (time of day / week)",
    "iforest": "IsolationForest over sliding windows",
    "kmeans": "k-means distance over windows of differences (Netdata)",
}


def offered_detectors() -> dict[str, str]:
    """kind -> title of the detectors the dialog offers: the registry's default first (its first choice,
    whatever a new default is), then the titled ones in order, then any other registered detector that
    is built from parameters alone (titled from its docstring)."""
    kinds = [DEFAULT_DETECTOR, *DETECTOR_TITLES, *DETECTORS]
    out: dict[str, str] = {}
    for kind in kinds:
        cls = DETECTORS.get(kind)
        if kind in out or cls is None or issubclass(cls, EstimatorAdapter):
            continue
        title = DETECTOR_TITLES.get(kind) or detector_help(kind).split(". ")[0]
        if not title.lower().startswith(kind):
            title = f"{kind}: {title}"
        out[kind] = f"{title} (default)" if kind == DEFAULT_DETECTOR else title
    return out


def detector_class(kind: str) -> type[Detector]:
    """The detector class of ``kind`` (the registry's classes are all Detectors)."""
    return DETECTORS[kind]


def detector_figures(kind: str) -> str:
    """What ``kind`` measured on the held-out evaluation, in a sentence ("" where it was not measured at the
    threshold it ships with)."""
    found = measured(kind)
    return found.text() if found is not None else ""


def detector_help(kind: str) -> str:
    doc = (DETECTORS[kind].__doc__ or "").strip().split("\n\n")[0]
    return " ".join(doc.replace("``", "").split())  # the docstring's literal marks are not for the reader


def repr_params(params: dict[str, Any]) -> str:
    """``name=value;...``: parameters as QSettings keeps them (plain text, parsed back by ``limits.parse_text``)."""
    return ";".join(f"{k}={param_text(v)}" for k, v in params.items())


def param_text(value: object) -> str:
    """A parameter as the user types it: lists as ``150, 300``, no value as empty."""
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)
