"""One open script of the editor pane: its editor, file, language, run options and current run.

The pane and each of its parts (files, runs, linting, templates) hand these around, so the
document and the language names they share live here, apart from all of them.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QTimer

from ..sources.run import RemoteRunSource, RunSource
from .code_editor import CodeEditor
from .run_options import RunConfig

__all__ = ["EXTENSIONS", "LANG_NAMES", "ScriptDocument", "script_lang"]

EXTENSIONS = {"d": ".d", "bpftrace": ".bt"}
LANG_NAMES = {"d": "D", "bpftrace": "bpftrace"}


def script_lang(lang: str | None) -> str:
    """``"bpftrace"`` for bpftrace (or its short name ``"bt"``), else ``"d"``."""
    return "bpftrace" if lang in ("bpftrace", "bt") else "d"


class ScriptDocument:
    """One open script: its editor, file, language, run options and its current run."""

    def __init__(self, editor: CodeEditor, path: str | None, lang: str, untitled_name: str) -> None:
        self.editor = editor
        self.path = path
        self.lang = lang
        self.untitled_name = untitled_name
        self.run_config = RunConfig()
        #: A template's chart, used for "auto" (None: from each aggregation's kind).
        self.chart_hint: str | None = None
        #: The current or last run of this document.
        self.source: RunSource | RemoteRunSource | None = None
        self.revision = 0
        self.lint_inflight = False
        self.lint_again = False
        self.lint_timer: QTimer | None = None
        self.closed = False

    @property
    def name(self) -> str:
        return os.path.basename(self.path) if self.path else self.untitled_name

    @property
    def modified(self) -> bool:
        return self.editor.document().isModified()

    @property
    def running(self) -> bool:
        return self.source is not None and self.source.running

    def text(self) -> str:
        return self.editor.toPlainText()

    def __repr__(self) -> str:
        return f"<ScriptDocument {self.name} {self.lang}{' modified' if self.modified else ''}>"
