"""The workspace file: a whole session (sources, dashboards, scripts, window layout) in one JSON file.

JSON because it is plain data that diffs well and loads without running
anything; the window's geometry and dock layout, which Qt gives as bytes, are
kept base64-encoded. Versioned, so an older desk refuses a newer file clearly.

Learned models are not inside the file: its ``models`` entry names a folder next to it
(``NAME.models/`` for ``NAME.suricate.json``, see ``models_folder``) holding the model
registry's files (JSON + numpy arrays, read without pickle), and lists which model is
attached to which source's stream, with the streams' maintenance spans.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

WORKSPACE_VERSION = 1
SUFFIX = ".suricate.json"


class WorkspaceError(ValueError):
    """A workspace file that cannot be opened, with the reason."""


def save(path: str | os.PathLike, document: dict) -> Path:
    """Write atomically (a crash leaves the old file, never half a file)."""
    path = Path(path)
    doc = {"suricate_workspace": WORKSPACE_VERSION, **document}
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load(path: str | os.PathLike) -> dict:
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise WorkspaceError(f"{path} is not a workspace file: line {exc.lineno}: {exc.msg}") from None
    if not isinstance(doc, dict) or "suricate_workspace" not in doc:
        raise WorkspaceError(f"{path} is not a Suricate workspace file")
    if doc["suricate_workspace"] != WORKSPACE_VERSION:
        raise WorkspaceError(
            f"{path} is a version {doc['suricate_workspace']} workspace; this desk reads "
            f"version {WORKSPACE_VERSION}"
        )
    return doc


def models_folder(path: str | os.PathLike) -> Path:
    """The folder of a workspace's learned models: ``NAME.models`` next to ``NAME.suricate.json``."""
    path = Path(path)
    stem = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem
    return path.with_name(f"{stem}.models")
