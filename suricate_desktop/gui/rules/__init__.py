"""The workbench's side of the rules (issue 6): the rules panel, the alert history, notifications, plot marks,
backtests of an open recording. The engine itself is ``suricate_desktop.rules`` (Qt-free); here it runs in a
thread of its own (``suricate_desktop.rules.feed``), fed by the stores the window's live sources fill."""

from .alert_history import AlertTimeline
from .panel import RulesPanel

__all__ = ["AlertTimeline", "RulesPanel"]
