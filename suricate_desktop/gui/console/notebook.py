"""The console session as a Jupyter notebook: every executed cell with its outputs, as Suricate's notebooks were.

``SessionRecorder.feed(msg)`` takes the kernel's iopub messages (the same ones the console
draws): an ``execute_input`` opens a code cell, and the ``stream``, ``execute_result``,
``display_data`` and ``error`` messages with that request as parent become its outputs
(``nbformat.v4.output_from_msg``, so they are exactly what Jupyter would have stored).
Notes (a kernel restart, a background job's result) become markdown cells in between.
Bounded: the newest ``MAX_CELLS`` cells are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbformat import v4

MAX_CELLS = 2000
OUTPUT_TYPES = ("stream", "execute_result", "display_data", "error")


class SessionRecorder:
    def __init__(self, max_cells: int = MAX_CELLS):
        self.max_cells = max_cells
        self.started = datetime.now(UTC)
        #: id -> cell, in order; code cells are keyed by their request's msg_id.
        self._cells: OrderedDict[str, nbformat.NotebookNode] = OrderedDict()
        self._notes = 0
        self._last_code: str | None = None
        # output arrives as qtconsole channel signals (on the GUI thread as measured); locked all the same,
        # since a kernel may hand over a thread's output from its iopub thread
        self._lock = threading.Lock()

    def feed(self, msg: dict) -> None:
        """One iopub message from the kernel."""
        with self._lock:
            self._feed(msg)

    def _feed(self, msg: dict) -> None:
        kind = msg.get("header", {}).get("msg_type") or msg.get("msg_type")
        parent = msg.get("parent_header", {}).get("msg_id")
        if kind == "execute_input" and parent:
            content = msg["content"]
            self._add(
                parent,
                v4.new_code_cell(
                    source=content.get("code", ""), execution_count=content.get("execution_count")
                ),
            )
            self._last_code = parent
            return
        if kind in OUTPUT_TYPES and not parent:
            # the in-process kernel (ipykernel 7) sends printed text without its request as parent:
            # it belongs to the cell that ran last, as Jupyter files a thread's late output
            parent = self._last_code
        if kind in OUTPUT_TYPES and parent in self._cells:
            cell = self._cells[parent]
            output = v4.output_from_msg(msg)
            if (
                kind == "stream"
                and cell.outputs
                and cell.outputs[-1].get("output_type") == "stream"
                and cell.outputs[-1].name == output.name
            ):
                cell.outputs[-1].text += output.text  # a print loop is one output, as Jupyter keeps it
            else:
                cell.outputs.append(output)

    def note(self, text: str) -> None:
        """A markdown cell between the code cells (a restart, a background result)."""
        with self._lock:
            self._notes += 1
            self._add(f"note-{self._notes}", v4.new_markdown_cell(text))

    def _add(self, key: str, cell) -> None:
        self._cells[key] = cell
        while len(self._cells) > self.max_cells:
            self._cells.popitem(last=False)

    @property
    def cells(self) -> list:
        with self._lock:
            return [nbformat.from_dict(cell) for cell in self._cells.values()]  # copies

    def notebook(self) -> nbformat.NotebookNode:
        intro = v4.new_markdown_cell(
            f"# Suricate Desktop console session\n\nStarted {self.started:%Y-%m-%d %H:%M:%S} UTC. "
            "`ws` is the workbench's API (docs/console.md): outside the workbench the cells that use it "
            "need a running Suricate Desktop; the outputs are what they gave then."
        )
        nb = v4.new_notebook(cells=[intro, *self.cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        return nb

    def export(self, path: str | Path) -> Path:
        """Write the session as an .ipynb file (validated first); returns the path."""
        path = Path(path)
        nb = self.notebook()
        nbformat.validate(nb)
        tmp = path.with_name(f".{path.name}.tmp")
        nbformat.write(nb, str(tmp))
        tmp.replace(path)
        return path
