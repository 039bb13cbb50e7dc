"""The editor pane's part of a saved workspace: its open scripts, and reopening them.

A saved script is kept by its path, an unsaved one (or one with unsaved changes) by its text; with
each go its language, cursor, run options and template chart, and with the pane the language
last chosen and the splitter's sizes. A file gone since is skipped.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .run_options import RunConfig
from .script_document import ScriptDocument

if TYPE_CHECKING:
    from .editor_pane import EditorPane

__all__ = ["pane_state", "restore_pane"]


def pane_state(pane: EditorPane) -> dict[str, Any]:
    """Open documents (a path, or the text when unsaved), languages, cursors and run options."""
    docs = []
    for doc in pane.documents():
        entry: dict[str, Any] = {
            "path": doc.path,
            "name": doc.untitled_name,
            "lang": doc.lang,
            "modified": doc.modified,
            "cursor": doc.editor.textCursor().position(),
            "run": doc.run_config.to_dict(),
            "chart_hint": doc.chart_hint,
        }
        if doc.path is None or doc.modified:
            entry["text"] = doc.text()
        docs.append(entry)
    current = pane.current_document()
    open_docs = pane.documents()
    return {
        "documents": docs,
        "current": open_docs.index(current) if current in open_docs else -1,
        "lang": pane.chosen_lang,
        "splitter": [int(s) for s in pane.splitter.sizes()],
    }


def restore_pane(pane: EditorPane, state: dict[str, Any] | None) -> None:
    """Reopen what :func:`pane_state` kept (after the documents already open); missing files are skipped."""
    if not state:
        return
    if state.get("lang") in ("d", "bpftrace"):
        pane.chosen_lang = state["lang"]
        if pane.current_document() is None:
            pane.run_options.set_lang(state["lang"])
    opened: list[ScriptDocument | None] = []
    for entry in state.get("documents", []):
        path = entry.get("path")
        text = entry.get("text")
        lang = entry.get("lang") or pane.default_lang
        doc = None
        if text is None and path:
            if not os.path.exists(path):
                pane.status.emit(f"Not reopened: {path} is gone")
                opened.append(None)
                continue
            doc = pane.open_file(path)
            if doc is not None and entry.get("lang") in ("d", "bpftrace"):
                pane.set_lang(doc, entry["lang"])
        elif text is not None:
            doc = pane.new_document(
                lang,
                text,
                path=path,
                name=entry.get("name"),
                modified=bool(entry.get("modified", path is None and bool(text))),
            )
        if doc is not None:
            doc.run_config = RunConfig.from_dict(entry.get("run"))
            doc.chart_hint = entry.get("chart_hint")
            cursor = doc.editor.textCursor()
            cursor.setPosition(min(int(entry.get("cursor", 0)), len(doc.text())))
            doc.editor.setTextCursor(cursor)
        opened.append(doc)
    current = state.get("current", -1)
    if 0 <= current < len(opened):
        chosen = opened[current]
        if chosen is not None:
            pane.set_current_document(chosen)
    current_doc = pane.current_document()
    if current_doc is not None:
        pane.show_run_config(current_doc)
    sizes = state.get("splitter")
    if isinstance(sizes, list) and len(sizes) == 2 and all(isinstance(s, int) for s in sizes):
        pane.splitter.setSizes(sizes)
