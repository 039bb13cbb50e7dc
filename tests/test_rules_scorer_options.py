"""A rule's scorer options are checked with the rule, and an engine keeps a rule's scorer while nothing about
it changed. Found by a review (2026-12) that fed rules odd but legal TOML:

- ``scorer_options`` were never checked: ``rules check`` said "ok", then ``rules backtest`` gave a
  traceback, a running ``rules run`` died on its next reload, and the panel's engine replaced its rules
  but not their scorers (an error every batch after, a good rule silent);
- ``any_stream = "false"`` (or ``"no"``, ``0.0001``) turned ``any_stream`` on;
- every reload of the rules started each model scorer's running copies again from one row.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_rules import snaps, trained_model

from suricate_desktop.rules import Engine, loads, register_models
from suricate_desktop.rules.scoring import RollingZScore

NAMES = ["window", "min_points", "min_scale", "rel_scale", "absolute", "any_stream", "any_strem", "x"]
VALUES = [
    "true",
    "false",
    "0",
    "1",
    "-1",
    "2.5",
    "40",
    '"yes"',
    '"false"',
    "[1]",
    "{ a = 1 }",
    "1e308",
    "nan",
    "inf",
]


def rule_text(scorer: str, options: dict[str, str], name: str = "r") -> str:
    table = ", ".join(f"{k} = {v}" for k, v in options.items())
    return (
        f'[[rule]]\nname = "{name}"\ntype = "score"\nscorer = "{scorer}"\nkey = "bash"\nthreshold = 8\n'
        f"scorer_options = {{ {table} }}\n"
    )


@pytest.fixture
def model(tmp_path):
    registry = trained_model(tmp_path)
    loaded = registry.load("bash-baseline")
    register_models({"bash-baseline": loaded}, replace=True)
    return loaded


def test_generated_scorer_options_are_a_rules_error_at_its_line_or_run(model):
    """Every generated set of options either is refused at the rule's line, naming ``scorer_options``, or
    makes a rule that an engine runs on a spike without an error."""
    rng = np.random.default_rng(3)
    refused = ran = 0
    for _ in range(150):
        scorer = str(rng.choice(["zscore", "model:bash-baseline"]))
        chosen = rng.choice(NAMES, rng.integers(0, 3), replace=False)
        options = {str(k): str(rng.choice(VALUES)) for k in chosen}
        ruleset = loads(rule_text(scorer, options))
        if ruleset.problems:
            [problem] = ruleset.problems
            assert problem.line == 7 and problem.message.startswith("scorer_options: "), (
                options,
                problem,
            )  # its line
            refused += 1
            continue
        events: list[dict] = []
        engine = Engine(ruleset, dry_run=True, listeners=[events.append])
        engine.ingest(snaps([20] * 40 + [400] * 4))
        assert not [e for e in events if e.get("event") == "error"], (scorer, options, events)
        ran += 1
    assert refused > 30 and ran > 30, (refused, ran)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"any_strem": "true"}, "scorer 'model:bash-baseline' has no option 'any_strem'"),
        ({"any_stream": '"false"'}, "any_stream must be true or false (not 'false')"),
        ({"any_stream": "0.0001"}, "any_stream must be true or false"),
        ({"any_stream": "{ a = 1 }"}, "any_stream must be a number, text or true/false"),
    ],
)
def test_a_model_scorers_options_are_said_by_name(model, options, said):
    [problem] = loads(rule_text("model:bash-baseline", options)).problems
    assert said in problem.message


def test_an_engine_keeps_a_rules_scorer_while_nothing_about_it_changed(model, tmp_path):
    text = rule_text("model:bash-baseline", {"any_stream": "true"}) + rule_text(
        "zscore", {"window": "40"}, "z"
    )
    engine = Engine(loads(text), dry_run=True)
    engine.ingest(snaps([20] * 30))
    before = dict(engine._scorers)
    engine.set_rules(loads(text))  # the file reloaded unchanged
    register_models({"bash-baseline": model}, replace=True)  # the same model read again
    engine.set_rules(loads(text))
    assert engine._scorers == before  # the same objects: the model's running copies go on
    engine.set_rules(loads(text.replace("window = 40", "window = 50")))
    assert engine._scorers["r"] is before["r"] and engine._scorers["z"] is not before["z"]
    other = trained_model(tmp_path / "other").load("bash-baseline")
    register_models({"bash-baseline": other}, replace=True)  # saved again: another model
    engine.set_rules(loads(text))
    assert engine._scorers["r"] is not before["r"]


def test_a_scorer_that_fails_to_be_made_leaves_the_engines_rules_as_they_were(monkeypatch):
    from dataclasses import replace

    from suricate_desktop.rules import scoring

    def flaky(fail=False):
        if fail:
            raise RuntimeError("cannot be made")
        return RollingZScore()

    monkeypatch.setitem(scoring._SCORERS, "flaky", flaky)
    rules = loads(rule_text("zscore", {}, "good") + rule_text("flaky", {}, "f"))
    engine = Engine(rules, dry_run=True)
    before = (engine.rules, dict(engine._scorers))
    good, bad = rules
    changed = [replace(good, threshold=9.0), replace(bad, scorer_options=(("fail", True),))]
    with pytest.raises(RuntimeError):
        engine.set_rules(changed)
    assert (engine.rules, engine._scorers) == before
