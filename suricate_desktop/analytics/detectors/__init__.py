"""Streaming anomaly detectors: every point is scored from the past only, then learnt.

The API every detector implements and the registry of kinds are in ``base``; the detectors,
by family, in ``statistical`` (running statistics), ``windowed`` (models over sliding windows)
and ``composite`` (views combined, one alarm per incident). Importing this package registers
them all in ``DETECTORS`` (``resonance`` and ``sequence`` register theirs from their own modules).
"""

# isort: off
# in this order: it is the order of the kinds in DETECTORS (the CLI's and the learn dialog's lists)
from .base import DETECTORS, Detector, register
from .statistical import EWMAZScore, RollingZScore, SeasonalProfile
from .windowed import EstimatorAdapter, IsolationForestDetector, KMeansDetector, WindowModel
from .composite import EnsembleDetector, SuricateDetector, TailSurprise
from .calibrated import CalibratedDetector
# isort: on

__all__ = [
    "DETECTORS",
    "CalibratedDetector",
    "Detector",
    "EWMAZScore",
    "EnsembleDetector",
    "EstimatorAdapter",
    "IsolationForestDetector",
    "KMeansDetector",
    "RollingZScore",
    "SeasonalProfile",
    "SuricateDetector",
    "TailSurprise",
    "WindowModel",
    "register",
]
