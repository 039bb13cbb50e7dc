"""Packaging stays buildable: the metadata Briefcase reads, what goes into the bundle, and that the bundle's
module opens the workbench. The build itself is tools/package.sh (minutes, not CI)."""

import ast
import importlib.metadata
import json
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
BRIEFCASE = PYPROJECT["tool"]["briefcase"]
APP_NAME = "suricate-desktop"
APP = BRIEFCASE["app"][APP_NAME]


def test_licence_is_pep639():
    """An SPDX expression and the files that hold the text (Briefcase warns on the PEP 621 table)."""
    assert isinstance(PROJECT["license"], str)
    assert canonicalize_license_expression(PROJECT["license"]) == PROJECT["license"]
    assert PROJECT["license-files"] and all((ROOT / f).is_file() for f in PROJECT["license-files"])
    assert "license" not in BRIEFCASE and "license" not in APP  # one licence, from [project]
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # PEP 639 forbids both


def test_pyside_pin_and_only_essentials():
    """The <6.12 pin (6.12.0 crashes on 3.11) holds, on the Essentials wheel; nothing imports an Addons module."""
    reqs = {canonicalize_name(Requirement(r).name): Requirement(r) for r in PROJECT["dependencies"]}
    assert "pyside6" not in reqs  # PySide6 proper pulls in the 440 MB of Addons
    pyside = reqs["pyside6-essentials"]
    assert "6.11.3" in pyside.specifier and "6.12.0" not in pyside.specifier
    shipped = {
        Path(str(f)).name.split(".")[0]
        for f in importlib.metadata.files("PySide6-Essentials")
        if re.fullmatch(r"PySide6/Qt\w+\.abi3\.so", str(f))
    }
    assert {"QtCore", "QtGui", "QtWidgets", "QtUiTools"} <= shipped
    imported = set()
    for path in (ROOT / "suricate_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            imported |= {n.split(".")[1] for n in names if n.startswith("PySide6.Qt")}
    assert imported and imported <= shipped, imported - shipped
    trimmed = {m for m in shipped if re.fullmatch(r"Qt(Quick\w*|Qml\w*|Designer)", m)}  # cleanup_paths
    assert "**/app_packages/PySide6/Qt*Quick*" in APP["cleanup_paths"] and len(trimmed) >= 4
    assert not imported & trimmed, f"{imported & trimmed}: the package removes these; edit cleanup_paths"


def test_briefcase_app_settings():
    # The app's name makes the command and the module the launcher runs.
    assert APP_NAME.replace("-", "_") == "suricate_desktop"
    assert (ROOT / "suricate_desktop" / "__main__.py").is_file()
    # Briefcase adds [project].dependencies (and the test extra) to requires: listing them again installs twice.
    assert not BRIEFCASE.get("requires") and not APP.get("requires")
    assert not APP.get("test_requires")
    for source in APP["sources"] + APP["test_sources"]:
        assert (ROOT / source).is_dir(), source
    assert APP["long_description"].strip()  # Debian packages need one
    assert all((ROOT / f"{APP['icon']}-{size}.png").is_file() for size in (16, 32, 64, 128, 256, 512))
    assert (ROOT / f"{APP['icon']}.icns").read_bytes()[:4] == b"icns"  # macOS
    assert (ROOT / f"{APP['icon']}.ico").read_bytes()[:4] == b"\0\0\1\0"  # Windows
    runtime = APP["linux"]["system"]["debian"]["system_runtime_requires"]
    assert {"libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1"} <= set(runtime)


def test_readme_installs_what_briefcase_checks():
    """Briefcase refuses to build while a runtime requirement is missing: README's apt-get line has them all."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Packaging") : readme.index("## Layout")]
    words = set(section.split())
    missing = set(APP["linux"]["system"]["debian"]["system_runtime_requires"]) - words
    assert not missing, missing
    assert "/usr/bin/python3 -m venv" in section  # Linux system packages need the system Python


def test_bundle_sources_include_resources():
    """resources/ and ui/ go into the bundle, next to the package, the checkout layout the code looks in."""
    assert {"suricate_desktop", "resources", "ui"} <= {Path(s).name for s in APP["sources"]}
    for glob in APP["cleanup_paths"]:  # trimming touches the dependencies only, never the app's own files
        assert glob.startswith("**/app_packages/"), glob


def test_changelog_has_this_version():
    """`briefcase build linux system` stops without a changelog; each release has its section."""
    text = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(PROJECT['version'])} ", text, re.M)
    assert "## Unreleased" in text


def test_entry_points_resolve():
    import importlib

    for target in [*PROJECT["scripts"].values(), *PROJECT["gui-scripts"].values()]:
        module, func = target.split(":")
        assert callable(getattr(importlib.import_module(module), func))


def test_top_level_layout():
    for name in ("suricate_desktop", "resources", "ui", "tests", "docs", "bench", "tools"):
        assert (ROOT / name).is_dir(), name
    for name in (
        "pyproject.toml",
        "CHANGELOG.md",
        "README.md",
        "tools/package.sh",
        ".ci/run",
        "docs/ARCHITECTURE.md",
        "docs/message-schema.md",
    ):
        assert (ROOT / name).is_file(), name
    ignored = subprocess.run(
        ["git", "check-ignore", "build/venv", "dist/x.deb", "logs/briefcase.log"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == ["build/venv", "dist/x.deb", "logs/briefcase.log"]


def test_every_resource_folder_is_installed():
    """A wheel carries ui/ and resources/ as data files: each folder must be listed (globs do not recurse)."""
    data_files = PYPROJECT["tool"]["setuptools"]["data-files"]
    patterns = {p for globs in data_files.values() for p in globs}
    folders = {f.parent for f in (ROOT / "resources").rglob("*") if f.is_file()} | {ROOT / "ui"}
    for folder in folders:
        rel = folder.relative_to(ROOT)
        assert any(p.startswith(f"{rel}/") and "/" not in p[len(str(rel)) + 1 :] for p in patterns), rel


# --- The bundle's layout, laid out as Briefcase does (each source copied into app/ by its last name), and
# its module run as the packaged launcher runs it (sys.executable is the launcher, not a Python).

LAUNCH = textwrap.dedent("""
    import os, runpy, sys
    sys.executable = "/usr/bin/suricate-desktop"
    sys.argv = ["suricate-desktop", *sys.argv[1:]]
    from PySide6.QtWidgets import QApplication

    def exec_(app):  # instead of the event loop: say which windows are up, then leave at once
        titles = [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
        print("WINDOWS", titles, flush=True)
        os._exit(0)

    QApplication.exec = exec_
    runpy.run_module("suricate_desktop", run_name="__main__", alter_sys=True)
""")


@pytest.fixture(scope="module")
def bundle_app(tmp_path_factory):
    app = tmp_path_factory.mktemp("bundle") / "app"
    for source in APP["sources"]:
        shutil.copytree(ROOT / source, app / Path(source).name, ignore=shutil.ignore_patterns("__pycache__"))
    return app


def run_launcher(app: Path, *args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SURICATE_TEMPLATES", "PYTHONPATH")}
    env.update(
        PYTHONPATH=str(app),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        QT_QPA_PLATFORM="offscreen",
    )
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], cwd=home, env=env, capture_output=True, text=True, timeout=120
    )


def test_bundle_finds_templates_and_sample(bundle_app, tmp_path):
    code = textwrap.dedent("""
        from suricate_desktop.lang.templates import load_templates, templates_root
        from suricate_desktop.gui.forms import resource_path, ui_dir
        print(templates_root()); print(len(load_templates()))
        print(resource_path("recordings", "bpftrace-demo")); print(ui_dir())
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("SURICATE_TEMPLATES", "PYTHONPATH")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(bundle_app)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split("\n")
    templates, count, sample, ui = Path(out[0]), int(out[1]), Path(out[2]), Path(out[3])
    assert templates == bundle_app / "resources" / "templates" and count >= 20
    assert sample.is_relative_to(bundle_app) and any(sample.iterdir())
    assert ui == bundle_app / "ui" and any(ui.glob("*.ui"))


def test_packaged_launcher_opens_the_workbench(bundle_app, tmp_path):
    result = run_launcher(bundle_app, home=tmp_path)
    assert result.returncode == 0, result.stderr
    windows = [line for line in result.stdout.splitlines() if line.startswith("WINDOWS")]
    assert windows and "Suricate" in windows[0], result.stdout + result.stderr
    assert "usage: suricate" not in result.stdout + result.stderr


def test_packaged_launcher_cli_flag_runs_the_cli(bundle_app, tmp_path):
    result = run_launcher(bundle_app, "--cli", "templates", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WINDOWS" not in result.stdout
    ids = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"disk-io-latency", "syscalls-by-process"} <= ids


def test_launcher_tells_a_package_from_a_python():
    from suricate_desktop.launcher import launched_by_package

    for launcher in (
        "/usr/bin/suricate-desktop",
        "/Applications/Suricate Desktop.app/Contents/MacOS/Suricate Desktop",
    ):
        assert launched_by_package(launcher), launcher
    for python in (
        "/usr/bin/python3",
        os.path.expanduser("~/.pyenv/versions/3.11.7/bin/python3.11"),  # a pyenv interpreter in a home
        "/opt/venv/bin/python",
        "/usr/bin/pypy3",
        sys.executable,
    ):
        assert not launched_by_package(python), python


def test_suricate_desktop_cli_flag_is_the_cli(capsys):
    """pip's suricate-desktop takes --cli too, so the same words work with a wheel and with a package."""
    from suricate_desktop.launcher import workbench

    assert workbench(["--cli", "templates", "--show", "disk-io-latency", "--lang", "bpftrace"]) == 0
    assert "Disk I/O latency" in capsys.readouterr().out


def test_python_dash_m_stays_the_cli():
    """`python -m suricate_desktop COMMAND` is the command line the tests and docs use."""
    result = subprocess.run(
        [sys.executable, "-m", "suricate_desktop", "--version"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith("suricate ")


# --- The package's `suricate` command (tools/suricate): Briefcase makes only the launcher, so
# tools/package.sh installs this script beside it. Run here beside a stand-in launcher.

SURICATE_SCRIPT = ROOT / "tools" / "suricate"


def hostile_arguments(rng: random.Random, count: int) -> list[str]:
    """Arguments a shell script easily mangles: blanks, quotes, globs, $ and backticks, newlines, leading
    dashes, empty ones, non-ASCII; never NUL, which no argument can hold."""
    alphabet = " \t\n'\"\\$`*?[]{}~;&|<>()#!=%-_.,:/abcXYZ019éß€ \u00a0"
    args = ["", " ", "-", "--", "--help", "*", "$HOME", "`id`", "$(id)", "'", '"', "\\", "\n", "-e", "-n"]
    for _ in range(count):
        args.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))))
    rng.shuffle(args)
    return args


def stand_in_launcher(folder: Path, body: str) -> Path:
    """A `suricate-desktop` in ``folder`` running ``body`` with this interpreter."""
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / "suricate-desktop"
    launcher.write_text(f"#!{sys.executable}\n{body}")
    launcher.chmod(0o755)
    return launcher


def install_suricate(folder: Path) -> Path:
    command = folder / "suricate"
    shutil.copy(SURICATE_SCRIPT, command)
    command.chmod(0o755)
    return command


def test_suricate_command_passes_every_argument_to_the_launcher_beside_it(tmp_path):
    """Each argument arrives whole, after --cli, at the suricate-desktop next to the script (also when
    called through a symlink, and when another suricate-desktop comes first on PATH); its exit status is
    the command's."""
    echo = "import json, sys\nprint(json.dumps(sys.argv[1:]))\nsys.exit(int(sys.argv[-1]) if sys.argv[-1].isdigit() else 0)\n"
    stand_in_launcher(tmp_path / "usr" / "bin", echo)
    command = install_suricate(tmp_path / "usr" / "bin")
    stand_in_launcher(tmp_path / "decoy", "import sys\nprint('decoy')\nsys.exit(99)\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "suricate").symlink_to(command)
    env = {**os.environ, "PATH": f"{tmp_path / 'decoy'}:{os.environ['PATH']}"}
    rng = random.Random(19)
    for attempt in range(40):
        args = [*hostile_arguments(rng, rng.randint(0, 12)), str(attempt % 7)]
        via = command if attempt % 2 else tmp_path / "elsewhere" / "suricate"
        result = subprocess.run([str(via), *args], cwd=tmp_path, env=env, capture_output=True, timeout=30)
        assert result.stderr == b""
        assert json.loads(result.stdout) == ["--cli", *args], args
        assert result.returncode == attempt % 7


def test_suricate_command_is_pips_suricate(tmp_path):
    """Beside a launcher that is the app's (suricate_desktop.launcher.workbench, what the package runs),
    `suricate ARGS` prints and exits as pip's `suricate` (suricate_desktop.cli.main:main) does."""
    assert PROJECT["scripts"]["suricate"] == "suricate_desktop.cli.main:main"
    launcher_body = "import sys\nfrom suricate_desktop.launcher import workbench\nsys.exit(workbench())\n"
    stand_in_launcher(tmp_path / "bin", launcher_body)
    command = install_suricate(tmp_path / "bin")
    pip_suricate = [
        sys.executable,
        "-c",
        "import sys\nfrom suricate_desktop.cli.main import main\nsys.exit(main())",
    ]
    env = {k: v for k, v in os.environ.items() if k != "SURICATE_TEMPLATES"}
    env.update(PYTHONPATH=str(ROOT), HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"))
    outputs = {}
    for args in (["--help"], ["templates"], ["no-such-command"]):
        ours = subprocess.run(
            [str(command), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        pips = subprocess.run(
            [*pip_suricate, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert (ours.returncode, ours.stdout, ours.stderr) == (pips.returncode, pips.stdout, pips.stderr), (
            args
        )
        outputs[args[0]] = ours
    assert outputs["--help"].returncode == 0 and outputs["--help"].stdout.startswith("usage: suricate ")
    assert "disk-io-latency" in outputs["templates"].stdout
    assert outputs["no-such-command"].returncode == 2


def test_package_script_and_readme_add_suricate_between_build_and_package():
    """`briefcase package` packs the built tree as it is: the command goes in after `build` (whose permission
    pass it would miss, hence mode 755) and before `package`, in the script and in README's steps alike."""
    readme = (ROOT / "README.md").read_text()
    steps = readme[readme.index("### By hand") : readme.index("### The installed app")]
    script = (ROOT / "tools" / "package.sh").read_text()
    for text in (steps, script):
        install = re.search(r"^install -m 755 tools/suricate \S*/usr/bin/suricate\S*$", text, re.M)
        assert install, text
        assert text.index("build linux system") < install.start() < text.index("package linux system")
    assert os.access(SURICATE_SCRIPT, os.X_OK)
    assert SURICATE_SCRIPT.read_text().startswith("#!/bin/sh\n")
