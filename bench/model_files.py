"""Model files: what a crash-safe save costs, and what reading models for the rules costs the GUI thread.

    nice python bench/model_files.py [--repeat 7]

1. ``ModelRegistry.save`` (the arrays named by version and synced, the description written last and
   synced, then renamed into place; the old version's files removed) against the bare libraries doing
   the same writes without any of that (``np.savez`` and ``json.dumps`` to a file), interleaved in one run,
   for three models: the default detector over 20 keys, ``sequence`` over 2 keys, ``zscore`` over 200.
2. The rules panel with a 20-key ``iforest`` model in its folder (a model that refits its forests as it
   loads): the GUI thread's time in ``models_changed``, which starts the ``rule-models`` read and returns,
   against a bare ``ModelRegistry.load`` of the same model, which is what the panel did in that thread
   before. Offscreen Qt.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from suricate_desktop.analytics import DETECTORS, ModelRegistry
from suricate_desktop.analytics.registry import ModelMeta


def detectors(kind: str, keys: int, n: int = 3000) -> list:
    rng = np.random.default_rng(0)
    t = np.arange(n) * 60.0
    return [DETECTORS[kind]().fit(100 + rng.normal(0, 2, n), t) for _ in range(keys)]


def bare_save(root: Path, meta: ModelMeta, dets: list) -> None:
    """The same content written by the bare libraries: no version in the name, no sync, no rename."""
    arrays, states = {}, []
    for i, det in enumerate(dets):
        scalars, arrs = det.get_state()
        states.append({"kind": det.kind, "params": det.get_params(), "state": scalars})
        arrays.update({f"{i}/{k}": np.asarray(a) for k, a in arrs.items()})
    with open(root / "m.npz", "wb") as f:
        np.savez(f, **arrays)
    (root / "m.json").write_text(json.dumps({"meta": asdict(meta), "detectors": states}, default=float))


def saves(repeat: int) -> None:
    print("save (ms, median of", repeat, "interleaved)         suricate   bare   ratio")
    for kind, keys in (("calibrated", 20), ("sequence", 2), ("zscore", 200)):
        dets = detectors(kind, keys)
        meta = ModelMeta("m", kind, streams=[["h", "s", "a"]], keys=[[f"k{i}"] for i in range(keys)])
        ours, bare = [], []
        for _ in range(repeat):
            root = Path(tempfile.mkdtemp())
            registry = ModelRegistry(root)
            registry.save(meta, dets)  # a version to replace
            t0 = time.perf_counter()
            registry.save(meta, dets)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            bare_save(root, meta, dets)
            bare.append(time.perf_counter() - t0)
        a, b = statistics.median(ours) * 1e3, statistics.median(bare) * 1e3
        print(f"  {kind:10s} {keys:4d} keys {'':18s} {a:8.1f} {b:6.1f}   {a / b:5.2f}")


def rules_panel(repeat: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from suricate_desktop.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    root = Path(tempfile.mkdtemp())
    registry = ModelRegistry(root / "models")
    meta = ModelMeta("big", "iforest", streams=[["h", "s", "a"]], keys=[[f"k{i}"] for i in range(20)])
    registry.save(meta, detectors("iforest", 20, 2000))
    window = MainWindow(
        settings=QSettings(str(root / "settings.ini"), QSettings.IniFormat), restore_sources=False
    )
    panel = window.rules_panel
    gui, bare = [], []
    for _ in range(repeat):
        registry.save(meta, registry.load("big").detectors)  # a new version: the panel reads it again
        t0 = time.perf_counter()
        panel.models_changed()
        gui.append(time.perf_counter() - t0)
        while panel.models.pending:
            panel.take_events()
            app.processEvents()
            time.sleep(0.01)
        t0 = time.perf_counter()
        registry.load("big")
        bare.append(time.perf_counter() - t0)
    window.close()
    a, b = statistics.median(gui) * 1e3, statistics.median(bare) * 1e3
    print(f"rules panel, a 20-key iforest model saved again: GUI thread {a:.1f} ms, bare load {b:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    saves(args.repeat)
    rules_panel(max(3, args.repeat // 2))


if __name__ == "__main__":
    main()
