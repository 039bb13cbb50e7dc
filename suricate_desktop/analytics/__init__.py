"""Learned models of normal behaviour: streaming detectors, the model registry, live scoring, NAB scoring.

Qt-free (layer 2): imports only numpy, pandas, scikit-learn (and skops for user estimators).
"""

from .detectors import (DETECTORS, Detector, EstimatorAdapter, EWMAZScore, IsolationForestDetector,
                        KMeansDetector, RollingZScore, SeasonalProfile, SuricateDetector, TailSurprise,
                        EnsembleDetector, WindowModel)
from .sequence import ContextDetector, SequenceDetector
from .resonance import ResonanceDetector
from .live import Anomaly, LiveScorer
from .registry import Model, ModelMeta, ModelRegistry, UntrustedModelError, load_model
from .training import TrainingCancelled, TrainingData, TrainingResult, train

__all__ = [
    "DETECTORS", "Detector", "EstimatorAdapter", "EWMAZScore", "IsolationForestDetector", "KMeansDetector",
    "RollingZScore", "SeasonalProfile", "SuricateDetector", "TailSurprise", "EnsembleDetector", "WindowModel",
    "ContextDetector", "SequenceDetector", "ResonanceDetector",
    "Anomaly", "LiveScorer", "Model", "ModelMeta", "ModelRegistry", "UntrustedModelError", "load_model",
    "TrainingCancelled", "TrainingData", "TrainingResult", "train",
]
