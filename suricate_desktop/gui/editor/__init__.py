"""The script editor pane: D and bpftrace editing, errors as you type, templates, runs.

``EditorPane`` is what the main window docks; the other modules are its parts.
Its widgets (usable alone): ``CodeEditor`` (the text widget with gutter and
diagnostics), ``ScriptHighlighter`` (the shared lexer's colours),
``FindReplaceBar``, ``ProblemsView``, ``OutputView`` and ``RunOptions``. Its
collaborators, one job each: ``pane_layout``, ``pane_actions``, ``script_files``,
``run_control``, ``lint_wiring``, ``templates_menu`` and ``workspace_state``.
"""

from .code_editor import CodeEditor, Marker
from .editor_pane import EditorPane, ScriptDocument
from .find_replace import FindReplaceBar
from .highlighter import DARK, LIGHT, ScriptHighlighter, Theme
from .output import OutputView
from .problems import ProblemsView
from .run_options import RunConfig, RunOptions, chart_for

__all__ = [
    "DARK",
    "LIGHT",
    "CodeEditor",
    "EditorPane",
    "FindReplaceBar",
    "Marker",
    "OutputView",
    "ProblemsView",
    "RunConfig",
    "RunOptions",
    "ScriptDocument",
    "ScriptHighlighter",
    "Theme",
    "chart_for",
]
