"""``-m "not broker"`` leaves out every test that reaches a broker (tests/conftest.py marks them).

A machine without RabbitMQ runs ``pytest -m "not broker"``; a test that needs the broker but escaped
the mark would fail there for a reason that has nothing to do with what it checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import BROKER_FIXTURES

ROOT = Path(__file__).resolve().parents[1]

REPORTER = """
import json, os

FIXTURES = set(json.loads(os.environ["BROKER_FIXTURES"]))
_deselected = []


def _uses(item):
    return sorted(FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_deselected(items):
    _deselected.extend(items)


def pytest_collection_finish(session):
    with open(os.environ["REPORT"], "w") as out:
        json.dump({"selected": [[i.nodeid, _uses(i)] for i in session.items],
                   "deselected": [[i.nodeid, _uses(i)] for i in _deselected]}, out)
"""


def test_not_broker_selects_no_test_that_reaches_a_broker(tmp_path):
    (tmp_path / "broker_reporter.py").write_text(REPORTER)
    report = tmp_path / "report.json"
    env = {
        **os.environ,
        "REPORT": str(report),
        "BROKER_FIXTURES": json.dumps(sorted(BROKER_FIXTURES)),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "broker_reporter",
            "-m",
            "not broker",
            "tests",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    found = json.loads(report.read_text())
    assert len(found["selected"]) > 1000  # the whole suite was collected, not an empty run
    leaked = [nodeid for nodeid, uses in found["selected"] if uses]
    assert not leaked, "tests that reach a broker but run under -m 'not broker':\n" + "\n".join(leaked)
    left_out = {fixture for _, uses in found["deselected"] for fixture in uses}
    assert left_out == set(BROKER_FIXTURES)  # both kinds of broker test exist, and were left out
