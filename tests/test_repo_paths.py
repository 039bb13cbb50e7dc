"""No absolute path of one machine in the repository: paths are relative to the checkout (or ../shared).

A path such as the workspace, root's home or a pytest temporary folder works on the machine that wrote
it and nowhere else; a clone elsewhere would read a default, a doc or a fixture that points at nothing.
Example paths every system has (``/var/log/messages``, ``/usr/bin/python3``) are fine.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Spelled in pieces so that this file does not name the prefixes it looks for.
_PREFIXES = ("/" + "work/", "/" + "root/", "/" + "tmp/" + "pytest")
MACHINE_PATH = re.compile(r"(?<![\w.~$-])(?:" + "|".join(re.escape(p) for p in _PREFIXES) + ")")


def machine_paths(text: str) -> list[tuple[int, str]]:
    """(line number, line) of each line of ``text`` that names one of the machine's own folders."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if MACHINE_PATH.search(line)]


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (an installed copy): nothing tracked to scan")
    return [ROOT / name for name in out.decode("utf-8", "surrogateescape").split("\0") if name]


def test_no_tracked_text_file_names_an_absolute_path_of_this_machine():
    found = []
    files = tracked_files()
    assert len(files) > 100  # the scan saw the repository, not an empty listing
    for path in files:
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # deleted in the work tree, not yet committed
            continue
        if b"\0" in data[:8192]:  # a binary (Parquet, images): not text anyone reads a path from
            continue
        text = data.decode("utf-8", "replace")
        found += [f"{path.relative_to(ROOT)}:{n}: {line[:120]}" for n, line in machine_paths(text)]
    assert not found, "absolute paths of one machine (use paths relative to the repository):\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    "line",
    [
        "DEFAULT = " + repr(_PREFIXES[0] + "shared/nab"),
        "see `" + _PREFIXES[0] + "shared/docs/tracing-languages.md`",
        "cd " + _PREFIXES[1] + "suricate && make",
        "tmp = '" + _PREFIXES[2] + "-of-root/pytest-3/test_x0'",
        "(" + _PREFIXES[0] + "main)",
    ],
)
def test_the_scan_flags_machine_paths(line):
    assert machine_paths("first line\n" + line + "\nlast line") == [(2, line)]


@pytest.mark.parametrize(
    "line",
    [
        "tail -f /var/log/messages",
        "#!/usr/bin/python3",
        "the agent works/ as before; homework/ and network/work/ are words, not roots",
        "../shared/nab beside the repository",
        "https://example.org" + _PREFIXES[0] + "1 and ~" + _PREFIXES[0] + "x and $HOME" + _PREFIXES[1] + "x",
        "/tmp/suricate-test.sock",
    ],
)
def test_the_scan_leaves_ordinary_paths_alone(line):
    assert machine_paths(line) == []
