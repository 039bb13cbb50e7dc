"""``resonance``: adaptive resonance over the short shapes of a stream (ARTime's method).

ARTime (Mark Hampton, 2022; the NAB scoreboard's leader, 74.9) was read for its method (its
code is AGPL and Julia; nothing here is copied from it). A stream is downsampled (each step keeps
the step's spike, or its mean when nothing stands out), put on 80 levels of its value range,
snapped to the running median level when close to it, and every step the last 8 levels make a
feature vector (their shape, as a min-max scaled Haar transform, and the levels themselves).
A dual-vigilance fuzzy ART learns those vectors: a vector that resonates with a category refines
it; one that matches no category well enough makes a new cluster, and that novelty, unless it
follows another too closely, is the anomaly, scored by how far below the two vigilances its best
match fell. The vigilances follow the key: raised towards the worst recent match, lowered when
matches keep falling below them, never under the matches that were alarms.

What ARTime is given and a live detector is not (docs/PERFORMANCE.md measures both):

* **the value range**: NAB hands every detector the file's minimum and maximum. Here the range is
  ``lo``/``hi`` when the user knows it (0 to 100 for a percentage) and otherwise the warm-up's
  extremes widened by ``margin`` of their span; a value outside it widens it, and everything
  learnt on the old levels (the ART boxes, the median's histogram, the feature window) is mapped
  onto the new ones, which is exact for the boxes: an affine map keeps a box a box;
* **the warm-up**: ARTime learns from NAB's probationary period, 15 % of the file (at most 750
  points), and picks its downsampling so that the warm-up holds 13 feature windows. A live key
  has no known length, so ``ResonanceDetector`` runs one model per warm-up of ``warmups`` (150,
  300, 600 points) from the first point and reports the most mature model that is ready,
  dropping the younger ones: a new key is watched after 150 points at a fine time scale and
  settles to the coarser one after 600.

Cost: one ART match per downsampled step (numpy over the categories), a few tens of
microseconds per point in all, the cheapest detector here that sees shapes.
"""

from __future__ import annotations

import copy
import math
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from .detectors import Detector, register
from .detectors.base import FloatArray, StateArrays, StateMeta, Times

_SQRT2 = math.sqrt(2.0)


def haar(x: npt.ArrayLike) -> FloatArray:
    """The full Haar decomposition of a length ``2 ** k`` vector: the approximation, then the
    details from the coarsest to the finest, each detail ``(odd - even) / sqrt 2``."""
    out: list[FloatArray] = []
    a = np.asarray(x, dtype=np.float64)
    while len(a) > 1:
        even, odd = a[0::2], a[1::2]
        out.insert(0, (odd - even) / _SQRT2)
        a = (even + odd) / _SQRT2
    return np.concatenate([a, *out])


def _min_max(x: FloatArray) -> FloatArray:
    x = x - x.min()
    top = x.max()
    return x / top if top != 0 else x


def _json_scalar(v: object) -> object:
    """A state scalar as JSON holds it: numpy numbers as Python ones, a range not learnt yet (NaN) as None."""
    v = v.item() if isinstance(v, np.generic) else v
    return None if isinstance(v, float) and math.isnan(v) else v


def _cosine(a: FloatArray, b: FloatArray) -> float:
    """Cosine similarity, with a zero vector as similar to another as that one is short."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0:
        return 1.0 - nb
    if nb == 0.0:
        return 1.0 - na
    return float(a @ b) / (na * nb)


class DualVigilanceART:
    """Fuzzy ART (complement-coded boxes) with two vigilances.

    A sample's match with a category is ``f ** 3 * e ** 2``: ``f`` the share of the box its
    fuzzy intersection with the sample keeps, ``e`` the same over the last feature only (the
    current level). A match at or above ``ub`` refines the category (and every other one that
    high); between ``lb`` and ``ub`` the sample becomes a new category of the best one's cluster;
    below ``lb`` it starts a new cluster, which ``train`` reports as -1 (novel).

    Memory: at most ``max_categories`` boxes (a noisy key makes about one per five downsampled
    steps; NAB's busiest file made 643); once full, a sample that would be a new category is
    judged as before but not kept, so a week-long live key stays bounded in memory and in the
    cost of a match.
    """

    def __init__(self, dim: int, max_categories: int = 2000):
        self.dim = int(dim)
        self.max_categories = int(max_categories)
        self.W = np.ones((1, 2 * self.dim))  # the uncommitted first node: matches anything, weakly
        self.labels = [1]
        self.clusters = 1
        self.lb = self.ub = 0.0
        self.started = False

    def train(self, x: FloatArray, learning: bool = True) -> tuple[int, float, float]:
        """(the sample's cluster, or -1 when novel or not learning; best match; its level match)."""
        if not self.started:  # the first sample only starts the network
            self.started = True
            return (1 if learning else -1), 0.0, 0.0
        d = self.dim
        xc = np.concatenate([x, 1.0 - x])
        inter = np.minimum(self.W, xc)
        size = self.W.sum(axis=1)
        size[size == 0.0] = 0.001
        f = inter.sum(axis=1) / size
        level_size = self.W[:, d - 1] + self.W[:, 2 * d - 1]
        level_inter = inter[:, d - 1] + inter[:, 2 * d - 1]
        e = np.divide(level_inter, level_size, out=np.ones_like(level_inter), where=level_size > 0)
        match = f**3 * e**2
        best = int(np.argmax(match))
        A, Ae = float(match[best]), float(e[best])
        if not learning:
            return -1, A, Ae
        resonant = match >= self.ub
        if resonant.any():
            self.W[resonant] = inter[resonant]
            return self.labels[best], A, Ae
        full = len(self.labels) >= self.max_categories
        if not full:
            self.W = np.vstack([self.W, xc])
        if self.lb <= A:
            if not full:
                self.labels.append(self.labels[best])
            return self.labels[best], A, Ae
        if not full:
            self.clusters += 1
            self.labels.append(self.clusters)
        return -1, A, Ae

    def remap(self, columns: range, a: float, b: float) -> None:
        """Map features ``columns`` by ``x -> a x + b`` (a >= 0): each box's ends move with them."""
        d = self.dim
        for k in columns:
            lo = self.W[:, k].copy()
            hi = 1.0 - self.W[:, d + k]
            box = (
                lo <= hi + 1e-9
            )  # 1 - (1 - x) may fall just under x; the uncommitted node (lo 1, hi 0) is no box
            self.W[box, k] = np.clip(a * lo[box] + b, 0.0, 1.0)
            self.W[box, d + k] = 1.0 - np.clip(a * hi[box] + b, 0.0, 1.0)


class ResonanceModel:
    """ARTime's method at one time scale: learns from the first ``warm`` points, then scores.

    ``lo``/``hi``: the value range, when known in advance; otherwise the warm-up's extremes
    widened by ``margin`` of their span, widened again (and what was learnt remapped) whenever a
    value leaves it.
    """

    WINDOWS_PER_WARM = 13
    ENERGY_WEIGHT = 1.5  # how much a level never seen adds to an alarm's confidence

    def __init__(
        self,
        warm: int = 750,
        window: int = 8,
        levels: int = 80,
        chomp: float = 0.075,
        initial_rho: float = 0.8,
        margin: float = 0.5,
        lo: float | None = None,
        hi: float | None = None,
    ):
        self.warm = int(warm) - int(warm) % 2
        self.window = int(window)
        self.sstep = max(1, self.warm // (self.window * self.WINDOWS_PER_WARM))
        self.trend = self.warm // self.sstep
        self.mask = int(self.window * 1.5)
        self.levels, self.chomp, self.initial_rho, self.margin = (
            int(levels),
            float(chomp),
            float(initial_rho),
            float(margin),
        )
        self.known = lo is not None and hi is not None
        self.lo = float(lo) if lo is not None and hi is not None else math.nan
        self.hi = float(hi) if lo is not None and hi is not None else math.nan
        self.i = 0  # points seen
        self.dsi = 0  # downsampled steps made
        self.buf: list[float] = []
        self.moving = 0.0
        self.medbin = np.zeros(self.levels + 1, dtype=np.int64)
        self.medlevel = self.below = self.above = 0
        self.fwin = np.zeros(self.window)
        self.warm_raw: list[float] = []  # the warm-up's downsampled values, before the range is known
        self.art = DualVigilanceART(2 * self.window)
        self.last_alarm_i = 0
        self.last_alarm_match = 0.0
        self.last_rho_i = 0
        self.quiet_after_new = False
        self.since_new = 0
        self.match_sum = 0.0
        self.match_n = 0
        self.alarm_matches: list[float] = []
        self.recent_matches = [1.0] * (self.trend // 2 + 1)
        self.recent_shortfalls = [0.0] * (self.trend + 1)

    @property
    def ready(self) -> bool:
        return self.dsi >= self.trend

    # -- the stream --------------------------------------------------------------------------------------------------
    def step(self, x: float) -> float:
        """Take one point; the anomaly score (0 except at a novel downsampled step)."""
        self.i += 1
        self.buf.append(x)
        if len(self.buf) > self.sstep:
            del self.buf[0]
        if self.i % self.sstep:
            return 0.0
        w = self.buf if len(self.buf) == self.sstep else [0.0] * (self.sstep - len(self.buf)) + self.buf
        mean = sum(w) / len(w)
        top, bottom = max(w), min(w)
        self.moving = mean if self.dsi == 0 else self.moving
        self.moving = (self.moving + mean) / 2
        ds = bottom if abs(top - self.moving) < abs(bottom - self.moving) else top  # the step's spike
        if abs(ds - mean) < 0.1 * mean:  # unless it is within 10 % of the mean
            ds = mean
        self.dsi += 1
        if self.dsi <= self.trend:
            self.warm_raw.append(ds)
            if self.dsi == self.trend:
                self._end_warm_up()
            return 0.0
        if not (self.lo <= ds <= self.hi):
            self._widen(ds)
        return self._detect(self._features(ds), self.dsi)

    def _end_warm_up(self) -> None:
        if not self.known:
            lo, hi = min(self.warm_raw), max(self.warm_raw)
            slack = self.margin * (hi - lo)
            self.lo, self.hi = lo - slack, hi + slack
        self.lo, self.hi = min(self.lo, *self.warm_raw), max(self.hi, *self.warm_raw)
        feats = []
        for k, v in enumerate(self.warm_raw, start=1):
            self.dsi = k
            feats.append(self._features(v))
        self.warm_raw = []
        X = np.array(feats)
        rho = self._initial_rho(X[self.window - 1 :])
        self.art.lb = self.art.ub = rho
        for k, f in enumerate(feats, start=1):
            self._detect(f, k)

    def _level(self, ds: float) -> int:
        span = self.hi - self.lo
        v = (ds - self.lo) / span if span != 0 else ds - self.lo
        return min(self.levels, max(0, round(v * self.levels)))

    def _features(self, ds: float) -> FloatArray:
        level = self._level(ds)
        self.medbin[level] += 1
        if self.dsi == 1:
            self.medlevel = level
        if self.medlevel > level:
            self.below += 1
        elif self.medlevel < level:
            self.above += 1
        half = self.dsi // 2  # the median level, moved one occupied level at a time
        if half < self.above:
            self.below += self.medbin[self.medlevel]
            self.medlevel += 1
            while self.medbin[self.medlevel] == 0:
                self.medlevel += 1
            self.above -= self.medbin[self.medlevel]
        elif half < self.below:
            self.above += self.medbin[self.medlevel]
            self.medlevel -= 1
            while self.medbin[self.medlevel] == 0:
                self.medlevel -= 1
            self.below -= self.medbin[self.medlevel]
        v = level / self.levels
        med = self.medlevel / self.levels
        if abs(v - med) < self.chomp:
            v = med
        self.fwin[:-1] = self.fwin[1:]
        self.fwin[-1] = v
        if self.dsi < self.window:
            return np.zeros(2 * self.window)
        return np.concatenate([_min_max(haar(_min_max(self.fwin))), self.fwin])

    def _widen(self, ds: float) -> None:
        """Widen the range to hold ``ds`` (with the margin on that side) and remap what was learnt."""
        span = max(self.hi, ds) - min(self.lo, ds)
        lo = min(self.lo, ds - self.margin * span) if ds < self.lo else self.lo
        hi = max(self.hi, ds + self.margin * span) if ds > self.hi else self.hi
        old_span, new_span = self.hi - self.lo, hi - lo
        a, b = old_span / new_span, (self.lo - lo) / new_span
        self.lo, self.hi = lo, hi
        L = self.levels
        moved = np.zeros_like(self.medbin)
        for level in np.nonzero(self.medbin)[0]:
            moved[min(L, max(0, round((a * level / L + b) * L)))] += self.medbin[level]
        self.medbin = moved
        med = min(L, max(0, round((a * self.medlevel / L + b) * L)))
        occupied = np.nonzero(moved)[0]
        self.medlevel = int(occupied[np.argmin(np.abs(occupied - med))]) if len(occupied) else med
        self.below = int(moved[: self.medlevel].sum())
        self.above = int(moved[self.medlevel + 1 :].sum())
        self.fwin = np.clip(a * self.fwin + b, 0.0, 1.0)
        self.art.remap(range(self.window, 2 * self.window), a, b)

    def _initial_rho(self, X: FloatArray) -> float:
        """The mean match over the second half of the warm-up's vectors, learnt least typical first
        at a vigilance of ``initial_rho``: the level of resemblance this key's shapes have."""
        n = len(X)
        sim = np.ones((n, n))
        for a in range(n):
            for b in range(a):
                sim[a, b] = sim[b, a] = _cosine(X[a], X[b])
        art = DualVigilanceART(X.shape[1])
        art.lb = art.ub = self.initial_rho
        matches = [art.train(x)[1] for x in X[np.argsort(sim.sum(axis=0), kind="stable")]]
        return float(np.mean(matches[self.trend // 2 - 1 :]))

    def _detect(self, f: FloatArray, i: int) -> float:
        mask = self.mask
        rho_after_alarm = (i - self.last_alarm_i) == mask
        rho_for_trend = (i - self.last_rho_i) >= self.trend // 2
        just_alarmed = (i - self.last_alarm_i) <= mask
        if i > self.trend + mask and self.quiet_after_new and self.since_new >= mask:
            self.quiet_after_new = False
        if i < self.window:
            _, A, Ae = self.art.train(f, learning=False)
            cluster = -1
        else:
            cluster, A, Ae = self.art.train(f)
        self.since_new = 0 if cluster == -1 else self.since_new + 1
        self.match_sum += A
        self.match_n += 1
        del self.recent_matches[0]
        self.recent_matches.append(A)
        del self.recent_shortfalls[0]
        self.recent_shortfalls.append(self.art.ub - A)
        if (i - self.last_alarm_i) < mask and self.alarm_matches and self.alarm_matches[-1] > A:
            self.alarm_matches[-1] = A
        quiet = self.quiet_after_new or just_alarmed
        much_worse = self.last_alarm_match * (0.90 if just_alarmed else 0.70) > A
        score = 0.0
        if i > self.trend and cluster == -1 and (not quiet or much_worse):
            score = self._confidence(A, Ae)
            self.alarm_matches.append(A)
            self.last_alarm_match = A
            self.last_alarm_i = i
        self.quiet_after_new = cluster == -1 or self.quiet_after_new
        if i > self.trend and (rho_after_alarm or rho_for_trend):
            self._update_vigilance(i)
        return score

    def _update_vigilance(self, i: int) -> None:
        worst = min(self.recent_matches)
        ub = min(0.97, self.match_sum / self.match_n)
        lb = self.art.lb
        if lb <= worst:
            lb += (worst - lb) * 0.19
        else:
            shortfalls = (
                [min(0.37, s) for s in self.recent_shortfalls if s > 0.05] if i > 2 * self.trend else []
            )
            lb -= max(0.01, sum(shortfalls) / len(shortfalls) if shortfalls else 0.0) / 2
            if self.alarm_matches:
                lb = max(sum(self.alarm_matches) / len(self.alarm_matches), lb)
        self.art.lb, self.art.ub = min(ub, lb), ub
        self.last_rho_i = i
        self.quiet_after_new = True

    def _confidence(self, match: float, level_match: float) -> float:
        m = min(0.999, match)
        below_ub = ((1 - m) - (1 - self.art.ub)) / (1 - m)
        below_lb = ((1 - m) - (1 - self.art.lb)) / (1 - m)
        return round(
            min(1.0, below_ub * 0.35 + below_lb * 0.65 + (1.0 - level_match) * self.ENERGY_WEIGHT), 6
        )

    # -- state for the registry: JSON scalars and numeric arrays -----------------------------------------------------
    _SCALARS = (
        "i",
        "dsi",
        "moving",
        "medlevel",
        "below",
        "above",
        "lo",
        "hi",
        "last_alarm_i",
        "last_alarm_match",
        "last_rho_i",
        "quiet_after_new",
        "since_new",
        "match_sum",
        "match_n",
    )
    _LISTS = ("buf", "warm_raw", "alarm_matches", "recent_matches", "recent_shortfalls")

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        meta: StateMeta = {k: _json_scalar(getattr(self, k)) for k in self._SCALARS}
        meta["art"] = {
            "lb": self.art.lb,
            "ub": self.art.ub,
            "clusters": self.art.clusters,
            "started": self.art.started,
        }
        arrays: StateArrays = {k: np.asarray(getattr(self, k), dtype=np.float64) for k in self._LISTS}
        arrays.update(
            medbin=self.medbin, fwin=self.fwin, W=self.art.W, labels=np.asarray(self.art.labels, np.int64)
        )
        return meta, arrays

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        for k in self._SCALARS:
            setattr(self, k, meta[k])
        self.lo, self.hi = (
            math.nan if meta[k] is None else float(meta[k]) for k in ("lo", "hi")
        )  # not learnt yet
        for k in self._LISTS:
            setattr(self, k, [float(v) for v in arrays[k]])
        self.medbin = np.asarray(arrays["medbin"], dtype=np.int64).copy()
        self.fwin = np.asarray(arrays["fwin"], dtype=np.float64).copy()
        art = meta["art"]
        self.art.lb, self.art.ub, self.art.clusters, self.art.started = (
            art["lb"],
            art["ub"],
            art["clusters"],
            art["started"],
        )
        self.art.W = np.asarray(arrays["W"], dtype=np.float64).reshape(-1, 2 * self.art.dim).copy()
        self.art.labels = [int(v) for v in arrays["labels"]]


@register
class ResonanceDetector(Detector):
    """ARTime's method (adaptive resonance over the shapes of a downsampled key), streaming: one
    model per warm-up of ``warmups``, the most mature ready one reports; the value range is
    ``lo``/``hi`` when known, else learnt (``ResonanceModel``). Scores are 0 except at a novel
    shape, where they are the alarm's confidence (up to 1)."""

    kind = "resonance"
    threshold = 0.33
    reasons = ("a shape not met before",)
    defaults: ClassVar[dict[str, Any]] = {
        "warmups": (150, 300, 600),
        "window": 8,
        "levels": 80,
        "chomp": 0.075,
        "initial_rho": 0.8,
        "margin": 0.5,
        "lo": None,
        "hi": None,
    }

    def reset(self) -> None:
        super().reset()
        p = self.params
        self.warmups = sorted(int(w) for w in p["warmups"])
        self.models = [self._model(w) for w in self.warmups]

    def _model(self, warm: int) -> ResonanceModel:
        p = self.params
        return ResonanceModel(
            warm,
            window=p["window"],
            levels=p["levels"],
            chomp=p["chomp"],
            initial_rho=p["initial_rho"],
            margin=p["margin"],
            lo=p["lo"],
            hi=p["hi"],
        )

    def _step(self, x: float, t: float | None) -> float:
        self.n += 1
        out = [m.step(x) for m in self.models]
        ready = [k for k, w in enumerate(self.warmups) if self.n > w]
        best = ready[-1] if ready else -1
        if best > 0:  # the younger models are no longer needed
            self.models, self.warmups = self.models[best:], self.warmups[best:]
        s = out[best] if ready else 0.0
        self.why = 0 if s > 0.0 else -1  # its only score: a shape no category matched
        return s

    scores_runs = True  # a shape is made of a run of points

    @property
    def step_points(self) -> int:
        """Points per downsampled step of the reporting model: a shape is reported at the end of its step."""
        return self.models[-1].sstep

    def score(self, values: npt.ArrayLike, times: Times = None, learn: bool = True) -> FloatArray:
        """With ``learn=False`` the run is scored by a copy, which follows it: the model is unchanged."""
        if learn:
            return super().score(values, times)
        return copy.deepcopy(self).score(values, times)

    def score_why(
        self, values: npt.ArrayLike, times: Times = None, learn: bool = True
    ) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """As ``score``: with ``learn=False`` the run is scored by a copy that follows it."""
        if learn:
            return super().score_why(values, times)
        return copy.deepcopy(self).score_why(values, times)

    def _score(self, x: float, t: float | None) -> float:
        """The score ``x`` would get now, from a copy: nothing is learnt."""
        look = copy.deepcopy(self)
        s = look._step(x, t)
        self.why = look.why
        return s

    def _learn(self, x: float, t: float | None) -> None:
        self._step(x, t)

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        models: list[StateMeta] = []
        meta = {"n": self.n, "warmups": self.warmups, "models": models}
        arrays: StateArrays = {}
        for k, m in enumerate(self.models):
            mm, ma = m.get_state()
            models.append(mm)
            arrays.update({f"m{k}_{name}": a for name, a in ma.items()})
        return meta, arrays

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.reset()
        self.n = int(meta["n"])
        self.warmups = [int(w) for w in meta["warmups"]]
        self.models = [self._model(w) for w in self.warmups]
        for k, (m, mm) in enumerate(zip(self.models, meta["models"], strict=False)):
            m.set_state(
                mm, {name[len(f"m{k}_") :]: a for name, a in arrays.items() if name.startswith(f"m{k}_")}
            )
