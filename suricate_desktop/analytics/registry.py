"""The model registry: models and their metadata, stored so that loading never runs code.

A model named ``NAME`` is two (or three) files in the registry's folder:

* ``NAME.model.json``: format tag, metadata (streams, keys and, for a model over several
  streams, each key's stream, features, training window,
  excluded spans, threshold, update policy, version, created), per key the detector's kind, parameters
  and scalar state, and ``files``: the names of the two below, the ones of its version;
* ``NAME.model.VERSION.npz``: the detectors' arrays, read with ``allow_pickle=False`` (a file that
  holds pickled objects is refused by numpy before anything is unpickled);
* ``NAME.model.VERSION.skops``: only for an ``EstimatorAdapter``'s user-built estimator, read with
  skops after checking its types: any type not on the trusted list (skops' defaults, plus
  what the caller passes as ``trusted``) refuses the file.

A save writes the description last, so it is the save's one atomic step (``ModelRegistry.save``). Models
saved before descriptions named their files (``NAME.model.npz``, ``NAME.model.skops``) still load.

Detector kinds come from a fixed table (``DETECTORS``) and unknown parameters are refused,
so a file made elsewhere can choose among built-in detectors and numbers, nothing else.
"""

from __future__ import annotations

import errno
import glob
import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from .detectors import DETECTORS, Detector, EstimatorAdapter

FORMAT = "suricate-model/1"
#: The detector a new model uses unless the user picks another (the Learn baseline dialog's first
#: choice, ``suricate detect`` without ``--detector``): ``calibrated``, whose scores are tail
#: probabilities on one scale for every key, the best on the held-out evaluation (docs/analytics.md).
DEFAULT_DETECTOR = "calibrated"
#: A model's name, a file name in its folder: not "." or "..", which would name the folder or its parent
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$")


def valid_model_name(name: str) -> bool:
    """Whether ``name`` can name a model: its files' names, in its folder (the Learn dialog asks first)."""
    return bool(_NAME.match(name))


def check_model_name(name: str) -> None:
    """``ValueError`` saying why ``name`` cannot name a model, where a model is attached (the Models dock,
    the console, a script): refused there, not at its first save, after its training."""
    if not valid_model_name(name):
        raise ValueError(f"{name!r} cannot name a model: letters, digits, '.', '_' and '-', no leading '.'")


class UntrustedModelError(ValueError):
    """A model file that would need code or types we do not trust to load.

    ``types``: the estimator types a skops file needs that nobody trusted yet (empty when the
    file is refused for another reason), so a user can be asked about exactly those."""

    def __init__(self, message: str, types: list[str] | None = None):
        super().__init__(message)
        self.types = list(types or [])


@dataclass
class ModelMeta:
    name: str
    detector: str
    streams: list[list[str]] = field(default_factory=list)  # [[host, source, agg], ...]
    keys: list[list[Any]] = field(default_factory=list)  # [[key parts...], ...] in the order of the detectors
    features: str = ""
    training_window: list[float] | None = None  # [start, end] seconds
    excluded: list[list[Any]] = field(default_factory=list)  # [[start, end], ...]
    threshold: float | None = None
    version: int = 0
    created: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] = field(
        default_factory=dict
    )  # the update policy: {"policy", "refit_every", "train_size", "view"}
    key_streams: list[int] = field(
        default_factory=list
    )  # several streams: each key's stream, an index into streams


@dataclass
class Model:
    meta: ModelMeta
    detectors: list[Detector]


class ModelRegistry:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _description(self, name: str) -> Path:
        """``NAME.model.json``, the file that says what the model is and names its other files."""
        if not valid_model_name(name):
            raise ValueError(f"bad model name {name!r}")
        return self.root / f"{name}.model.json"

    def names(self) -> list[str]:
        found = (p.name[: -len(".model.json")] for p in self.root.glob("*.model.json"))
        return sorted(n for n in found if _NAME.match(n))

    def stamp(self, name: str) -> tuple[str, int, int, int] | None:
        """What tells one saved version of a model from another without reading it: its description file's
        path, inode, size and modification time (``save`` replaces that file last), or None when there is none.
        The rules panel keeps a model it already read while its stamp holds."""
        jpath = self._description(name)
        try:
            st = jpath.stat()
        except OSError:
            return None
        return (str(jpath.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)

    def save(self, meta: ModelMeta, detectors: list[Detector]) -> ModelMeta:
        """Write a model; its version is one more than the stored one of that name.

        The description file is the save's last step and names the arrays (and estimators) file it goes
        with, ``NAME.model.VERSION.npz``: the new arrays are written beside the old ones, then the new
        description replaces the old one in one rename, then the old files go. A crash or a full disk at any
        step leaves the old model whole, or the new one, never the old description over the new arrays."""
        self.root.mkdir(parents=True, exist_ok=True)
        jpath = self._description(meta.name)
        previous = 0
        if jpath.exists():
            try:
                previous = int(json.loads(jpath.read_text())["meta"]["version"])
            except (ValueError, KeyError, TypeError):
                previous = 0
        meta.version = previous + 1
        meta.created = datetime.now(UTC).isoformat(timespec="seconds")
        if detectors:
            meta.detector = detectors[0].kind
            meta.params = {k: v for k, v in detectors[0].get_params().items()}
        states: list[dict[str, Any]] = []
        arrays: dict[str, npt.NDArray[Any]] = {}
        estimators: dict[str, Any] = {}
        for i, det in enumerate(detectors):
            scalars, arrs = det.get_state()
            states.append({"kind": det.kind, "params": det.get_params(), "state": scalars})
            for k, a in arrs.items():
                arrays[f"{i}/{k}"] = np.asarray(a)
            if isinstance(det, EstimatorAdapter):
                estimators[str(i)] = det.estimator
        files = {"arrays": f"{meta.name}.model.{meta.version}.npz"}
        if estimators:
            files["estimators"] = f"{meta.name}.model.{meta.version}.skops"
        doc = {"format": FORMAT, "meta": asdict(meta), "detectors": states, "files": files}
        with open(self.root / files["arrays"], "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]  # numpy's stub checks **kwds against allow_pickle
            _sync(f)
        if estimators:
            import skops.io as sio

            spath = self.root / files["estimators"]
            sio.dump(estimators, spath)
            with open(spath, "rb+") as f:
                _sync(f)
        tmp = jpath.with_suffix(".tmp")
        with open(tmp, "w") as f:
            f.write(json.dumps(doc, indent=1, default=_jsonable))
            _sync(f)
        tmp.replace(jpath)
        _sync_folder(self.root)
        self._remove_companions(meta.name, keep=set(files.values()))
        return meta

    def load(self, name: str, trusted: list[str] | None = None) -> Model:
        """The model saved as ``name``. A save that lands while it is read (another thread or process: the
        Models dock saving as the rules panel reads) takes the old version's files away: the description
        then differs from the one read, and the new version is read instead."""
        jpath = self._description(name)
        before = self.stamp(name)
        if before is None:
            saved = ", ".join(self.names()) or "none"
            raise FileNotFoundError(errno.ENOENT, f"no saved model {name!r} in {self.root} (saved: {saved})")
        try:
            return load_model(jpath, trusted=trusted)
        except UntrustedModelError:
            if self.stamp(name) == before:
                raise
        return load_model(jpath, trusted=trusted)

    def delete(self, name: str) -> None:
        """The description first, so the model is gone in one step, then the files it went with."""
        jpath = self._description(name)
        jpath.unlink(missing_ok=True)
        self._remove_companions(name, keep=set())

    def _remove_companions(self, name: str, keep: set[str]) -> None:
        """The arrays and estimators files of ``name``'s other versions (and of the older single-file form,
        ``NAME.model.npz``), which no description names any more."""
        pattern = re.compile(re.escape(name) + r"\.model(\.\d+)?\.(npz|skops)")
        for path in self.root.glob(f"{glob.escape(name)}.model.*"):
            if pattern.fullmatch(path.name) and path.name not in keep:
                path.unlink(missing_ok=True)


def _sync(f: Any) -> None:
    f.flush()
    os.fsync(f.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system lets a folder be opened: not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _companions(jpath: Path, files: Any) -> tuple[Path, Path | None]:
    """The arrays file and the estimators file (None: none) that the description ``jpath`` names in its
    ``files``: a version's own in its folder, ``NAME.model.VERSION.npz``, never a path elsewhere. A model
    saved before descriptions named their files has ``NAME.model.npz`` (and ``NAME.model.skops``)."""
    name = jpath.name.removesuffix(".model.json")
    if files is None:
        spath = jpath.with_name(f"{name}.model.skops")
        return jpath.with_name(f"{name}.model.npz"), spath if spath.exists() else None
    if not isinstance(files, dict) or set(files) - {"arrays", "estimators"}:
        raise UntrustedModelError(f"{jpath}: files is not a mapping of arrays (and estimators) to file names")

    def named(what: str, suffix: str) -> Path:
        file = files.get(what)
        if not isinstance(file, str) or not re.fullmatch(
            rf"{re.escape(name)}\.model\.\d{{1,18}}\.{suffix}", file
        ):
            raise UntrustedModelError(
                f"{jpath}: files.{what} is not a file of this model ({name}.model.VERSION.{suffix})"
            )
        return jpath.with_name(file)

    return named("arrays", "npz"), named("estimators", "skops") if "estimators" in files else None


def _plain_param(value: object) -> bool:
    """A parameter a model file may carry: a scalar, or a list of numbers (``resonance``'s warm-ups)."""
    if isinstance(value, list):
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    return isinstance(value, (int, float, str, bool, type(None)))


def load_model(jpath: Path, trusted: list[str] | None = None) -> Model:
    """Read a model made anywhere: JSON, numpy arrays without pickle, skops after a type check."""
    jpath = Path(jpath)
    try:
        doc = json.loads(jpath.read_text())
    # RecursionError: nested past reason (100,000 lists deep)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UntrustedModelError(f"{jpath}: not a model description ({type(exc).__name__}: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UntrustedModelError(f"{jpath}: not a {FORMAT} file")
    npath, spath = _companions(jpath, doc.get("files"))
    try:
        with np.load(npath, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except ValueError as exc:  # numpy refuses pickled content with allow_pickle=False
        raise UntrustedModelError(f"{npath}: {exc}") from None
    except Exception as exc:
        raise UntrustedModelError(f"{npath}: not an array file ({exc})") from None
    for k, a in arrays.items():
        if a.dtype.kind not in "biuf":
            raise UntrustedModelError(f"{npath}: array {k} has dtype {a.dtype}")
    estimators: dict[str, Any] = {}
    if spath is not None:
        estimators = _load_skops(spath, trusted)
    entries = doc.get("detectors", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise UntrustedModelError(f"{jpath}: detectors is not a list of detectors")
    meta = _meta(doc.get("meta", {}), len(entries), jpath)
    detectors: list[Detector] = []
    for i, entry in enumerate(entries):
        kind = entry.get("kind")
        cls = DETECTORS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise UntrustedModelError(f"{jpath}: unknown detector kind {kind!r}")
        params = entry.get("params", {})
        if not isinstance(params, dict) or not all(_plain_param(v) for v in params.values()):
            raise UntrustedModelError(
                f"{jpath}: detector {i} has parameters that are not scalars or lists of numbers"
            )
        det: Detector
        try:
            if cls is EstimatorAdapter:
                if str(i) not in estimators:
                    raise UntrustedModelError(f"{jpath}: detector {i}: its estimator's skops file is missing")
                det = cls(estimators[str(i)], **params)
            else:
                det = cls(**params)
        except (TypeError, ValueError) as exc:  # ValueError: a parameter out of its range (detectors.limits)
            raise UntrustedModelError(f"{jpath}: detector {i}: {exc}") from None
        prefix = f"{i}/"
        try:
            state = entry.get("state", {})
            if not isinstance(state, dict):
                raise TypeError("its state is not a mapping")
            own = {k[len(prefix) :]: a for k, a in arrays.items() if k.startswith(prefix)}
            det.set_state(state, own)
            _probe(det, state, own)
        except _STATE_ERRORS as exc:  # a state written by hand, or for another detector: not this one's
            raise UntrustedModelError(
                f"{jpath}: detector {i} ({kind}): its saved state does not fit it ({type(exc).__name__}: {exc})"
            ) from None
        detectors.append(det)
    return Model(meta, detectors)


#: What a detector's ``set_state`` raises on arrays and numbers that are not its own (missing, another
#: shape or type, past a float): each is the file's fault, said as ``UntrustedModelError``
_STATE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, ArithmeticError, RecursionError)


def _probe(det: Detector, state: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> None:
    """A state that loads and then fails (or scores NaN, or below 0) at every score or every point learnt is
    refused here, where the file can be named: one point scored by ``det`` with nothing learnt, and one it
    takes as ordinary scored and learnt by a second copy of the state (its arrays copied: a detector's state
    may keep them), unless that copy would cost a refit (``Detector.probe_learning``)."""
    scored = det.score_one(0.0, None, learn=False)
    learnt = 0.0
    if det.probe_learning:
        twin = type(det)(**det.get_params())
        twin.set_state(json.loads(json.dumps(state)), {k: a.copy() for k, a in arrays.items()})
        learnt = twin.score_one(twin.ordinary_value(), None)
    for probe in (scored, learnt):
        if not (math.isfinite(probe) and probe >= 0.0):
            raise ValueError(f"it scores {probe!r}")


def _meta(doc: Any, detectors: int, jpath: Path) -> ModelMeta:
    """The model's description, each field of the kind the workbench and the rules read (a field of another
    kind made a model load, then fail at every score, or score NaN for ever)."""

    def fail(field_name: str, what: str) -> UntrustedModelError:
        return UntrustedModelError(f"{jpath}: meta{'.' if field_name else ''}{field_name} is not {what}")

    if not isinstance(doc, dict):
        raise fail("", "a mapping")
    allowed = set(ModelMeta.__dataclass_fields__)
    try:
        meta = ModelMeta(**{k: v for k, v in doc.items() if k in allowed})
    except TypeError:
        raise fail("name", "given (with detector)") from None
    if not isinstance(meta.name, str) or not isinstance(meta.detector, str):
        raise fail("name", "a name (and detector a kind)")
    if not isinstance(meta.streams, list) or not all(
        isinstance(s, list) and len(s) == 3 and all(isinstance(p, str) for p in s) for s in meta.streams
    ):
        raise fail("streams", "a list of [host, source, aggregation]")
    if not isinstance(meta.keys, list) or not all(isinstance(k, list) for k in meta.keys):
        raise fail("keys", "a list of keys")
    if meta.keys and len(meta.keys) != detectors:  # none: a model saved from code, scored by the caller
        raise fail("keys", f"one key a detector ({len(meta.keys)} keys, {detectors} detectors)")
    if not isinstance(meta.key_streams, list) or not all(
        isinstance(j, int) and not isinstance(j, bool) and 0 <= j < len(meta.streams)
        for j in meta.key_streams
    ):
        raise fail("key_streams", "a list of indexes into streams")
    if meta.key_streams and len(meta.key_streams) != len(meta.keys):
        raise fail("key_streams", "one stream a key")
    if meta.threshold is not None and not (_number(meta.threshold) and math.isfinite(meta.threshold)):
        raise fail("threshold", "a finite number")
    if not isinstance(meta.params, dict) or not isinstance(meta.policy, dict):
        raise fail("params", "a mapping (and policy one)")
    if meta.training_window is not None and not (
        isinstance(meta.training_window, list)
        and len(meta.training_window) == 2
        and all(_number(v) for v in meta.training_window)
    ):
        raise fail("training_window", "[start, end]")
    if not isinstance(meta.excluded, list) or not all(
        isinstance(span, list) and len(span) >= 2 and all(_number(v) for v in span[:2])
        for span in meta.excluded
    ):
        raise fail("excluded", "a list of [start, end, why]")
    return meta


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _load_skops(path: Path, trusted: list[str] | None) -> dict[str, Any]:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise UntrustedModelError(f"{path}: not a skops file ({exc})") from None
    allowed = set(trusted or ())
    refused = [t for t in untrusted if t not in allowed]
    if refused:
        raise UntrustedModelError(
            f"{path}: untrusted types {refused}; pass trusted=[...] to accept them", refused
        )
    return cast(dict[str, Any], sio.load(path, trusted=list(untrusted)))


def _jsonable(o: object) -> object:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON: {type(o).__name__}")
