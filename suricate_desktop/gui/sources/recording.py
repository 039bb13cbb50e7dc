"""An open recording (or another tool's file) as a source of the sources pane.

The playing itself (position, speed, seeks, the worker thread that fills the
store) is :class:`~suricate_desktop.store.player.RecordingPlayer`, which needs
no Qt; this module adds what makes it one of the workbench's sources: a name,
the workspace file's config, and the import of another tool's file (dtrace(1)
text, a bpftrace JSON log, CSV), which reads with both ``agent`` and ``store``
importers and so lives above them.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from ...schema import Snapshot
from ...store.live import LiveStore
from ...store.player import RecordingPlayer
from .base import Source

__all__ = ["RecordingSource", "import_file", "open_in_background"]


def import_file(path: str | os.PathLike, format: str = "auto", **options: Any) -> list[Snapshot]:
    """Another tool's file as snapshots: ``format`` is auto, dtrace, bpftrace-json or csv.

    ``options`` go to the importer (host, source, interval, script... for the
    tracer formats; host, source, agg, kind for CSV); ones it does not take are
    ignored.
    """
    # the importers (and pyarrow with them) load with the first file imported, not with the window
    from ...agent.importers import import_bpftrace_json, import_dtrace_text, sniff_format
    from ...store.importers import import_csv

    fmt = sniff_format(path) if format == "auto" else format
    importers: dict[str, Callable[..., list[Snapshot]]] = {
        "dtrace": import_dtrace_text,
        "bpftrace-json": import_bpftrace_json,
        "csv": import_csv,
    }
    if fmt not in importers:
        raise ValueError(f"unknown format {format!r}; expected auto, dtrace, bpftrace-json or csv")
    fn = importers[fmt]
    accepted = getattr(fn, "__kwdefaults__", None) or {}
    return fn(Path(path), **{k: v for k, v in options.items() if k in accepted and v is not None})


class RecordingSource(RecordingPlayer, Source):
    """A recording folder (or an imported file) played into its own LiveStore, as a source.

    The arguments are :class:`RecordingPlayer`'s, plus ``name`` (default: the
    file or folder's name) and ``import_options`` (format, host, interval,
    script...), which apply when ``path`` is a file rather than a folder.
    """

    kind = "recording"

    def __init__(
        self,
        path: str | os.PathLike,
        name: str | None = None,
        *,
        speed: float = 1.0,
        loop: bool = False,
        position: float | None = None,
        autoplay: bool = True,
        store: LiveStore | None = None,
        lookback: float | None = None,
        **import_options: Any,
    ):
        Source.__init__(self, name or Path(path).name, store)
        self.import_options = import_options
        RecordingPlayer.__init__(
            self,
            path,
            speed=speed,
            loop=loop,
            position=position,
            autoplay=autoplay,
            store=self.store,
            lookback=lookback,
            importer=functools.partial(import_file, **import_options),
        )

    def to_config(self) -> dict:
        config = {
            **super().to_config(),
            "path": str(self.path),
            "speed": self.speed,
            "loop": self.loop,
            "position": self.position,
            "playing": self.playing,
        }
        if self.import_options:
            config["import_options"] = dict(self.import_options)
        return config

    @classmethod
    def from_config(cls, config: dict) -> RecordingSource:
        return cls(
            config["path"],
            config.get("name"),
            speed=config.get("speed", 1.0),
            loop=config.get("loop", False),
            position=config.get("position"),
            autoplay=config.get("playing", False),
            **config.get("import_options", {}),
        )


class _Opened(QObject):
    """Hands a source opened in a thread to the GUI thread (a queued signal), then goes."""

    done = Signal(object)


_relays: set[_Opened] = set()


def open_in_background(
    path: str | os.PathLike, then: Callable[[RecordingSource | Exception], None], **kwargs: Any
) -> threading.Thread:
    """Open ``path`` as a ``RecordingSource`` in an ``open-recording`` thread; ``then(source)`` on the
    GUI thread, or ``then(error)`` (OSError, ValueError) when it cannot be opened.

    Opening reads the first and last segments' footers and the first segment's intervals (an
    imported file is parsed whole): tens of ms, more on a slow disk or a loaded machine, which a
    click on the GUI thread should not wait for. A ``RecordingSource`` is no QObject, so making
    it in another thread is safe; its player thread starts there and runs on its own.
    """
    relay = _Opened()
    _relays.add(relay)  # alive until its signal is delivered (a relay gone before it would drop it)

    def deliver(result: RecordingSource | Exception) -> None:
        _relays.discard(relay)
        then(result)

    relay.done.connect(deliver, Qt.ConnectionType.QueuedConnection)

    def run() -> None:
        try:
            result: RecordingSource | Exception = RecordingSource(path, **kwargs)
        except (OSError, ValueError) as exc:
            result = exc
        try:
            relay.done.emit(result)
        except RuntimeError:  # the application is gone
            if isinstance(result, RecordingSource):
                result.stop()

    thread = threading.Thread(target=run, name="open-recording", daemon=True)
    thread.start()
    return thread
