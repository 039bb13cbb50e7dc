"""Find processing scripts by name, and read their defaults without running them.

A worker must know which streams a script wants, and how often and over how long it runs, before
it runs anything: a script is user code and only ever runs in the sandbox child. So its module
constants (``STREAMS``, ``EVERY``, ``OVER``, ``PARAMS``, ``DESCRIPTION``) are read from the source with
``ast`` as literals (the assigned expression, never run); anything else assigned to them is reported as
an error of the script, never evaluated.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A script's name is its file's stem; it becomes the result streams' source ``script-<name>``,
#: so it is one routing-key word: letters, digits, ``_`` and ``-``.
NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")
#: Where scripts are looked for after the ``--scripts`` folders.
DEFAULT_DIR_ENV = "SURICATE_SCRIPTS"
#: Larger sources are refused (a script is code, not data).
MAX_SCRIPT_BYTES = 1 << 20
DEFAULT_EVERY = 60.0
DEFAULT_OVER = 300.0


class ScriptError(ValueError):
    """A script that cannot be found or whose defaults cannot be read."""


@dataclass(frozen=True)
class ScriptInfo:
    """A script's name, file and the defaults it declares (read with ``ast``, never run)."""

    name: str
    path: Path
    streams: tuple[str, ...] = ("#",)
    every: float = DEFAULT_EVERY
    over: float = DEFAULT_OVER
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def source(self) -> str:
        """The result streams' source name."""
        return f"script-{self.name}"


def default_dirs() -> list[Path]:
    """``$SURICATE_SCRIPTS`` (``os.pathsep``-separated), else ``~/.config/suricate/scripts``."""
    env = os.environ.get(DEFAULT_DIR_ENV)
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [base / "suricate" / "scripts"]


class ScriptRegistry:
    """Scripts by name in folders; the first folder holding a name wins."""

    def __init__(self, dirs: Iterable[str | os.PathLike[str]] = (), *, defaults: bool = True):
        self.dirs = [Path(d).expanduser() for d in dirs]
        if defaults:
            self.dirs += [d for d in default_dirs() if d not in self.dirs]

    def names(self) -> list[str]:
        found: dict[str, None] = {}
        for folder in self.dirs:
            if folder.is_dir():
                for path in sorted(folder.glob("*.py")):
                    if NAME_RE.fullmatch(path.stem) and not path.stem.startswith("_"):
                        found.setdefault(path.stem, None)
        return list(found)

    def path(self, name: str) -> Path:
        if not NAME_RE.fullmatch(name):
            raise ScriptError(f"bad script name {name[:80]!r}: letters, digits, _ and - only")
        for folder in self.dirs:
            candidate = folder / f"{name}.py"
            if candidate.is_file():
                return candidate
        where = ", ".join(str(d) for d in self.dirs) or "no folder"
        raise ScriptError(f"no script {name!r} in {where}")

    def info(self, name: str) -> ScriptInfo:
        return read_info(self.path(name), name)


def read_info(path: str | os.PathLike[str], name: str | None = None) -> ScriptInfo:
    """A script's defaults from its source (``ScriptError`` when it is not a readable script)."""
    path = Path(path)
    name = name or path.stem
    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            raise ScriptError(f"{path}: larger than {MAX_SCRIPT_BYTES} bytes")
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except OSError as exc:
        raise ScriptError(f"{path}: {exc.strerror or exc}") from None
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 0
        raise ScriptError(f"{path}:{line}: {getattr(exc, 'msg', exc)}") from None
    consts: dict[str, Any] = {}
    has_process = False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "process":
            has_process = True
        targets: Sequence[ast.expr] = ()
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = (node.target,), node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id in _CONSTANTS:
                try:
                    consts[target.id] = ast.literal_eval(value)  # safe: a literal, never run
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    raise ScriptError(
                        f"{path}:{node.lineno}: {target.id} must be a literal (it is read without running the script)"
                    ) from None
    if not has_process:
        raise ScriptError(f"{path}: no 'def process(frames, params)' at the top level")
    return ScriptInfo(
        name=name,
        path=path,
        streams=_streams(path, consts.get("STREAMS", ("#",))),
        every=_seconds(path, "EVERY", consts.get("EVERY", DEFAULT_EVERY)),
        over=_seconds(path, "OVER", consts.get("OVER", DEFAULT_OVER)),
        params=_params(path, consts.get("PARAMS", {})),
        description=str(consts.get("DESCRIPTION", ast.get_docstring(tree) or ""))[:500],
    )


_CONSTANTS = frozenset({"STREAMS", "EVERY", "OVER", "PARAMS", "DESCRIPTION"})


def _streams(path: Path, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) and v for v in value):
        raise ScriptError(f"{path}: STREAMS must be a routing-key pattern or a list of them")
    return tuple(value)


def _seconds(path: Path, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 366 * 86400:
        raise ScriptError(f"{path}: {name} must be a number of seconds above 0")
    return float(value)


def _params(path: Path, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ScriptError(f"{path}: PARAMS must be a dict with str keys")
    return dict(value)
