"""The ``suricate`` commands start without loading what they do not use (issue 18: under 0.3 s each).

Timings belong in bench/startup.py; these tests check the cause instead: in a fresh interpreter,
building the parser, each sub-command's ``--help`` and ``lint`` of a script must not import pika,
pyarrow, duckdb, numpy, pandas or scikit-learn, nor the layers (schema, store, transport,
analytics, rules) that bring them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from suricate_desktop.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pika", "pyarrow", "duckdb", "numpy", "pandas", "sklearn", "scipy")
BT_SCRIPT = ROOT / "resources" / "templates" / "process-exec" / "script.bt"

#: What `suricate lint` legitimately loads of the package, besides cli/: the language tools, and the
#: names the other sub-commands' parsers show (the backends' names, the broker's default URL).
LINT_MAY_LOAD = (
    "suricate_desktop.lang",
    "suricate_desktop.agent",
    "suricate_desktop.agent.backends",
    "suricate_desktop.transport",
    "suricate_desktop.transport.settings",
)

_RUN = """
import contextlib, io, json, sys
from suricate_desktop.cli.main import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        status = main(sys.argv[1:])
    except SystemExit as exc:
        status = exc.code
print(json.dumps({"status": status, "out": out.getvalue(), "err": err.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_fresh(*args: str) -> dict:
    """``suricate ARGS`` in a new interpreter: its exit status, output and the modules it had loaded."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def heavy_loaded(modules: list[str]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def package_modules(modules: list[str]) -> list[str]:
    """The package's modules outside cli/."""
    return [
        m for m in modules if m.startswith("suricate_desktop.") and not m.startswith("suricate_desktop.cli")
    ]


def test_building_the_parser_loads_no_heavy_library():
    result = run_fresh("--help")
    assert result["status"] == 0
    assert "usage: suricate" in result["out"]
    for name in cli_main.COMMANDS:  # every sub-command's parser was built
        assert name in result["out"]
    assert heavy_loaded(result["modules"]) == []
    assert set(package_modules(result["modules"])) <= {*LINT_MAY_LOAD, "suricate_desktop.lang.diagnostics"}


@pytest.mark.parametrize("command", [*cli_main.COMMANDS, "rules run", "rules backtest"])
def test_each_sub_commands_help_loads_no_heavy_library(command):
    result = run_fresh(*command.split(), "--help")
    assert result["status"] == 0, result["err"]
    assert result["out"].startswith(f"usage: suricate {command}")
    assert heavy_loaded(result["modules"]) == []
    layers = {m.split(".")[1] for m in package_modules(result["modules"])}
    assert layers <= {"lang", "agent", "transport"}, layers


@pytest.mark.parametrize("compiler", ["--compiler", "--no-compiler"])
def test_lint_loads_the_language_tools_only(tmp_path, compiler):
    broken = tmp_path / "broken.bt"
    broken.write_text(BT_SCRIPT.read_text() + "\ninterval:s:1 { @x = nosuchfunction(1); }\n")
    good = run_fresh("lint", compiler, str(BT_SCRIPT))
    bad = run_fresh("lint", compiler, "--json", str(broken))
    assert good["status"] == 0 and good["out"] == ""
    assert bad["status"] == 1
    doc = json.loads(bad["out"])
    assert doc["errors"] >= 1
    assert any("nosuchfunction" in d["message"] for d in doc["files"][0]["diagnostics"])
    for result in (good, bad):
        assert heavy_loaded(result["modules"]) == []
        loaded = package_modules(result["modules"])
        assert "suricate_desktop.lang.lint" in loaded
        assert [
            m for m in loaded if not m.startswith("suricate_desktop.lang.") and m not in LINT_MAY_LOAD
        ] == []


def test_lazy_choices_still_refuse_what_is_not_offered():
    from suricate_desktop.lang.translate import supported_architectures
    from suricate_desktop.lang.vocabulary import PLATFORMS

    arch = run_fresh("translate", "--arch", "vax", "x.d")
    assert arch["status"] == 2
    assert "invalid choice: 'vax'" in arch["err"]
    assert all(repr(a) in arch["err"] for a in supported_architectures())
    platform = run_fresh("lint", "--platform", "plan9", str(BT_SCRIPT))
    assert platform["status"] == 2
    assert "invalid choice: 'plan9'" in platform["err"]
    assert all(repr(p) in platform["err"] for p in PLATFORMS)
    ok = cli_main.build_parser().parse_args(["lint", "--platform", PLATFORMS[0], "f.bt"])
    assert ok.platform == PLATFORMS[0]


def _sub_parser(name: str):
    parser = cli_main.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices[name]


def test_choices_written_out_in_the_cli_match_their_sources():
    """graph's choices and import's default host are repeated in cli/ so that --help does not load numpy."""
    from suricate_desktop.agent.importers import DEFAULT_HOST as AGENT_DEFAULT_HOST
    from suricate_desktop.analytics.depgraph import METHODS, TRANSFORMS
    from suricate_desktop.store.importers import DEFAULT_HOST as STORE_DEFAULT_HOST

    graph = {a.dest: a for a in _sub_parser("graph")._actions}
    assert tuple(graph["transform"].choices) == TRANSFORMS
    assert tuple(graph["method"].choices) == METHODS
    host = next(a for a in _sub_parser("import")._actions if a.dest == "host")
    assert AGENT_DEFAULT_HOST == STORE_DEFAULT_HOST
    assert f"(default: {AGENT_DEFAULT_HOST};" in host.help
