"""Learned models of normal behaviour: streaming detectors, the model registry, live scoring, NAB scoring.

Qt-free (layer 2): imports only numpy, pandas, scikit-learn (and skops for user estimators).
"""

from .detectors import (
    DETECTORS,
    Detector,
    EnsembleDetector,
    EstimatorAdapter,
    EWMAZScore,
    IsolationForestDetector,
    KMeansDetector,
    RollingZScore,
    SeasonalProfile,
    SuricateDetector,
    TailSurprise,
    WindowModel,
)
from .live import Anomaly, LiveScorer
from .registry import Model, ModelMeta, ModelRegistry, UntrustedModelError, load_model
from .resonance import ResonanceDetector
from .sequence import ContextDetector, SequenceDetector
from .training import TrainingCancelled, TrainingData, TrainingResult, train

__all__ = [
    "DETECTORS",
    "Anomaly",
    "ContextDetector",
    "Detector",
    "EWMAZScore",
    "EnsembleDetector",
    "EstimatorAdapter",
    "IsolationForestDetector",
    "KMeansDetector",
    "LiveScorer",
    "Model",
    "ModelMeta",
    "ModelRegistry",
    "ResonanceDetector",
    "RollingZScore",
    "SeasonalProfile",
    "SequenceDetector",
    "SuricateDetector",
    "TailSurprise",
    "TrainingCancelled",
    "TrainingData",
    "TrainingResult",
    "UntrustedModelError",
    "WindowModel",
    "load_model",
    "train",
]
