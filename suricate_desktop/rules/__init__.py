"""Layer 2: rules over the live streams, their alerts and actions (docs/rules.md).

The Qt-free core shared by ``suricate rules run``/``backtest`` and the workbench's rules panel.
"""

from ..store.live import label_text
from .actions import ActionFailed, ActionRunner, fill
from .alerts import STATES, Alert, AlertHistory
from .engine import Engine, backtest, firings
from .model import (
    ACTION_TYPES,
    CONDITIONS,
    PLACEHOLDERS,
    Action,
    Rule,
    RuleError,
    RuleProblem,
    RuleSet,
    dump,
    dumps,
    duration,
    load,
    loads,
    parse_rule,
)
from .scoring import (
    ModelBeingRead,
    ModelScorer,
    RollingZScore,
    Scorer,
    expect_models,
    make_scorer,
    register_models,
    register_scorer,
    scorer_names,
)

__all__ = [
    "ACTION_TYPES",
    "CONDITIONS",
    "PLACEHOLDERS",
    "STATES",
    "Action",
    "ActionFailed",
    "ActionRunner",
    "Alert",
    "AlertHistory",
    "Engine",
    "ModelBeingRead",
    "ModelScorer",
    "RollingZScore",
    "Rule",
    "RuleError",
    "RuleProblem",
    "RuleSet",
    "Scorer",
    "backtest",
    "dump",
    "dumps",
    "duration",
    "expect_models",
    "fill",
    "firings",
    "label_text",
    "load",
    "loads",
    "make_scorer",
    "parse_rule",
    "register_models",
    "register_scorer",
    "scorer_names",
]
