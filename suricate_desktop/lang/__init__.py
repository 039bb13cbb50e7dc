"""Layer 0: understanding D and bpftrace scripts (lexers, linter, translator, templates)."""

from .diagnostics import Diagnostic, ScriptError

__all__ = ["Diagnostic", "ScriptError"]
