"""``calibrated``: the default detector. Robust online residuals turned into one calibrated scale.

Why: a threshold only means the same on every key if every key's scores are on a scale they
share. Here the score is ``-log10`` of a tail probability: how rare a point at least this
surprising is *given the key's own past*. A score of 3 means "one point in a thousand of this
key's ordinary ones is as surprising", on a spiky key and on a flat one alike, in a rule as in
the Learn dialog.

How, per key, from the past only:

* six views of the point, each a deviation ``z >= 0`` from robust running statistics:
  ``resid`` (from a fast Huber-clipped EW level, over an EW mean absolute residual: spikes,
  shifts, outages), ``change`` (the step from the previous value over its EW mean: jumps),
  ``drift`` (the fast level from a slow one: ramps, small shifts), ``spread`` (``|ln|`` of a
  short EW absolute residual over the long one: variance up, a value stuck), ``season`` (the
  value from its time-of-day slot's EW mean: a rhythm that breaks), ``floor`` (how far below a
  positive level the value falls, as a share of that level: 1 for a stop; a busy key's stall
  that its residual scale, grown on its bursts, calls ordinary);
* each view's deviation is ranked among that view's own past deviations (``Tail``: counts in
  log-spaced bins with an exponential forgetting of ``memory`` points): its tail probability;
* the smallest of the six, as ``-log10``, is ranked again among its own past values: the
  final tail probability, exact on a stationary key whatever the views' correlation. Past
  the largest value seen (a maximum that decays with a half-life of ``top_halflife`` points,
  so one early outlier does not mute a key for good) the probability keeps falling, as
  ``(top / z) ** tail_index`` for a view and ``10 ** -(s - top)`` for the final rank: finite (a
  constant key then a step scores about ``log10(points seen)`` plus a few), never 1e13;
* the level jumps to the value when ``persist`` points in a row fall beyond ``clip`` scales
  on the same side (a shift is reported where it starts, then learnt); scales have a floor
  of 1e-3 of the level;
* a point is reported only when no alarm (a reported score of ``quiet_level`` or more) came in
  the last ``hold`` points, or when it passes that alarm's score: one alarm per incident,
  where it starts, as NAB rewards;
* a key's first ``warmup`` points set its statistics, and the next ``calibration`` points fill
  its tails: it scores 0 until then (a new key's 51st point, ordinary, scored 6, "one in a
  million", from two points of history).

The parameters and the threshold (2.0: a point rarer than 1 in 100 of the key's own) were
chosen on the TUNE part of bench/heldout only (docs/PERFORMANCE.md, "Held-out evaluation").

``CalibratedBank`` runs the same arithmetic for many keys at once with
numpy (tested equal to this, key by key); ``bench/keys.py`` measures it.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self, cast

import numpy as np
import numpy.typing as npt

from .base import (
    LARGEST,
    Detector,
    FloatArray,
    StateArrays,
    StateMeta,
    Times,
    measurable,
    reason_text,
    register,
)
from .tails import BINS, LO, RECORD_CAP, Tail, alpha, tail_bin, tail_bins

VIEWS = ("resid", "change", "drift", "spread", "season", "floor")
#: From this many keys on, a model of ``calibrated`` keys is trained and scored as one ``CalibratedBank``
#: (a numpy step for every key costs about what ten keys' scalar steps do): ``banked``.
BANK_KEYS = 16
#: What made a point rare, by the view whose tail probability was the least and the side it fell on
#: (``why`` = 2 × the view's index, plus 1 below: under the level, a fall, a level going down, a spread
#: narrowing, under the time of day's usual value). ``floor`` sees only falls: within ``NEAR_ZERO`` of
#: 0 one "fell toward zero" (``FELL``), else "far below its level". Two readings name the incident
#: rather than the view: a value of 0 under a positive level is "stopped" (``STOPPED``) when the residual,
#: the step, the time of day or the floor saw it, and a drift or spread seen while ``SHIFT_RUN`` points in a row lie beyond ``clip`` scales on
#: one side is a shift (``SHIFTED``): a shift's first points widen the short-term spread too, and
#: "noisier than usual" misnamed it. (A residual stays "far above/below its level", which it is: a
#: spike just after a chance excursion was named a shift.)
REASONS = (
    "far above its level",
    "far below its level",
    "jumped up",
    "dropped",
    "level climbing",
    "level falling",
    "noisier than usual",
    "steadier than usual",
    "high for the time of day",
    "low for the time of day",
    "fell toward zero",
    "stopped",
    "shifted up",
    "shifted down",
)
FELL, STOPPED, SHIFTED, SHIFT_RUN, NEAR_ZERO = 10, 11, 12, 2, 0.2
#: A rule's first row after a gap is judged by its time of day once the model saw that slot on this many days
#: (``resume``)
RESUME_CYCLES = 3
#: What ``_raw`` hands ``_update`` beside the deviations: (floored scale, new fast level, the tails' bins).
_Kept = tuple[float, float, list[int]]


def restarts(x: Any, level: Any, slow: Any, scale: Any, clip: float) -> Any:
    """Whether a key's level and slow level start again from its first value after a gap (scalars, or arrays
    of keys): it moved while unseen (past ``clip`` scales of its level) or was moving at the save (the level
    a scale or more from the slow one: a rhythm). Against where such a key stood at the save the level views
    called a rule's start anomalous; a steady key keeps them, as one noisy value taken as its slow level
    (half-life 300) read as a level climbing or falling on two starts in three."""
    d = np.maximum(scale, 1e-3 * np.abs(level) + 1e-9)
    return (np.abs(x - level) > clip * d) | (np.abs(level - slow) > d)


@register
class CalibratedDetector(Detector):
    """Tail probability of robust online residuals (level, change, drift, spread, time of day, floor),
    as ``-log10``: one calibrated scale for every key; one alarm per incident (new high over
    ``hold`` points). The default detector."""

    kind = "calibrated"
    threshold = 2.0
    probability_scale = True
    reasons = REASONS
    resumes = True
    _tails_learn = True  # False while catching up (``catch_up``)
    defaults: ClassVar[dict[str, Any]] = {
        "level_halflife": 20.0,
        "slow_halflife": 300.0,
        "scale_halflife": 200.0,
        "spread_halflife": 10.0,
        "clip": 3.0,
        "persist": 30,
        "period": 86400.0,
        "slots": 48,
        "season_alpha": 0.1,
        "memory": 20000.0,
        "tail_index": 3.0,
        "top_halflife": 1000.0,
        "warmup": 50,
        "calibration": 100,
        "hold": 200,
        "quiet_level": 2.0,
        "step": 60.0,
    }

    def reset(self) -> None:
        super().reset()
        self.level = self.slow = self.prev = 0.0
        self.scale = self.cscale = self.sscale = self.spread = 0.0
        self.run = 0  # signed count of points in a row beyond ``clip`` scales (+ above, - below)
        k = int(self.params["slots"])
        self.profile = [0.0] * k
        self.seen = [0] * k
        # per slot: in how many periods (days) it was seen, and the last one: a slot seen on fewer than
        # ``RESUME_CYCLES`` days holds where the key stood lately, not its usual value at that time of day
        self.cycles = [0] * k
        self.cycle_at = [-1] * k
        p = self.params
        self.tails = [Tail(p["memory"], p["tail_index"], top_halflife=p["top_halflife"]) for _ in VIEWS]
        self.final = Tail(p["memory"], log=True, top_halflife=p["top_halflife"])
        self.alarm = (-(10**9), 0.0)  # (index, score) of the last alarm
        # the smoothing factors of the half-lives (level, slow level, scales, spread), computed once
        self._alpha = tuple(
            alpha(p[name])
            for name in ("level_halflife", "slow_halflife", "scale_halflife", "spread_halflife")
        )

    def forget_alarms(self) -> None:
        self.alarm = (-(10**9), 0.0)

    def resume(self, x: float, t: float | None = None) -> float:
        """The first value after a gap is judged by its time of day alone (``season``: the one view whose
        reference, the slot's usual value on other days, the gap leaves valid), and the last value starts
        again from it (and the slot's value, when it was seen earlier the same day: it then holds where the
        key stood before the gap), as do the levels where ``restarts`` says. A key down at its first row is
        still low for the time of day, once the model has seen that time of day on ``RESUME_CYCLES`` days."""
        x = float(x)
        if x != x:
            self.why = -1
            return 0.0
        x = min(max(x, -LARGEST), LARGEST)
        p, slot = self.params, self._slot(t)
        score, why = 0.0, -1
        today = self.cycle_at[slot] == self._cycle(t)  # the slot's value: where the key stood before the gap
        if self.n >= p["warmup"] + p["calibration"] and self.cycles[slot] >= RESUME_CYCLES and not today:
            e = x - self.profile[slot]
            z = abs(e) / max(self.sscale, 1e-3 * abs(self.level) + 1e-9)
            score, why = -math.log10(self.tails[VIEWS.index("season")].p(z)), 8 + (e <= 0.0)
        if self.n > 0:
            if restarts(x, self.level, self.slow, self.scale, p["clip"]):
                self.level = self.slow = x
            self.prev = x
            self.run = 0
            if today:
                self.profile[slot] = x
        self.catch_up([x], None if t is None else [t])
        self.why = why
        return score

    def banks(self, keys: int) -> bool:
        """Whether ``keys`` keys of detectors like this one (its kind, its parameters) go on faster together,
        in one ``bank_for``, than one by one."""
        return banked(self, keys)

    def bank_for(self, detectors: list[Detector]) -> CalibratedBank | None:
        """One ``CalibratedBank`` that goes on from ``detectors`` (one key each), or None where one detector a
        key is the better: fewer than ``BANK_KEYS`` of them, another kind or other parameters than this one's.
        Why here: a caller that must not import the analytics (a rule's scorer) reaches the bank through the
        detectors it was given."""
        if not banked(self, len(detectors)) or any(
            type(d) is not CalibratedDetector or d.get_params() != self.get_params() for d in detectors
        ):
            return None
        return CalibratedBank.of([cast(CalibratedDetector, d) for d in detectors])

    def catch_up(self, values: npt.ArrayLike, times: Times = None) -> Self:
        """The statistics follow the rows; the tails do not learn them: the jump from where the key stood when
        the model was saved to where it stands now is not one of its ordinary deviations (learnt, a spike of
        30 scales just after it scored 3 instead of 6)."""
        self._tails_learn = False
        try:
            return super().catch_up(values, times)
        finally:
            self._tails_learn = True

    def _cycle(self, t: float | None) -> int:
        """The period (the day) ``t`` falls in."""
        p = self.params
        return int((self.n * p["step"] if t is None else t) // p["period"])

    def _slot(self, t: float | None) -> int:
        p = self.params
        if t is None:
            t = self.n * p["step"]
        k = int(p["slots"])
        return int((t % p["period"]) / p["period"] * k) % k

    def _deviations(
        self, x: float, slot: int
    ) -> tuple[float, float, float, float, float, float, float, float]:
        """The six views' deviations of ``x``, and (floored scale, new fast level)."""
        p = self.params
        floor = 1e-3 * abs(self.level) + 1e-9
        d = max(self.scale, floor)
        r = x - self.level
        rc = min(max(r, -p["clip"] * d), p["clip"] * d)
        a_level, _, _, a_spread = self._alpha
        fast = self.level + a_level * rc
        z_resid = abs(r) / d
        z_change = abs(x - self.prev) / max(self.cscale, floor)
        z_drift = abs(fast - self.slow) / d
        sp = self.spread + a_spread * (min(abs(r), 10.0 * d) - self.spread)
        z_spread = abs(math.log(max(sp, 1e-3 * d) / d))
        z_season = 0.0
        if self.seen[slot] >= 3:
            z_season = abs(x - self.profile[slot]) / max(self.sscale, floor)
        z_floor = max(0.0, 1.0 - x / self.level) if self.level > 0.0 else 0.0
        return z_resid, z_change, z_drift, z_spread, z_season, z_floor, d, fast

    def _raw(self, x: float, t: float | None) -> tuple[float, list[float], int, _Kept]:
        """(the calibrated score before suppression, the views' deviations and the least of their tail
        probabilities as ``-log10``, the slot, what else ``_update`` learns from): computed once a point."""
        slot = self._slot(t)
        if self.n == 0:
            self.why = -1
            return 0.0, [0.0] * len(VIEWS), slot, (0.0, x, [])
        dev = self._deviations(x, slot)
        zs = list(dev[: len(VIEWS)])
        if self.n < self.params["warmup"]:
            self.why = -1
            return 0.0, zs, slot, (dev[-2], dev[-1], [])
        bins = [tail_bin(z) for z in zs]
        ps = [tail.p(z, b) for tail, z, b in zip(self.tails, zs, bins, strict=True)]
        pmin = min(ps)
        s = -math.log10(pmin)
        bins.append(tail_bin(s))
        kept = (dev[-2], dev[-1], bins)
        if self.n < self.params["warmup"] + self.params["calibration"]:
            self.why = -1
            return 0.0, [*zs, s], slot, kept  # the tails learn; a rarity from a handful of points is not one
        self.why = self._why(ps.index(pmin), x, slot, dev[-2], dev[-1])
        return -math.log10(self.final.p(s, bins[-1])), [*zs, s], slot, kept

    def _why(self, view: int, x: float, slot: int, d: float, fast: float) -> int:
        """The reason code (``REASONS``) of ``x``, whose least tail probability was ``view``'s."""
        below = self._signed(view, x, slot, d, fast) <= 0.0
        if x == 0.0 and self.level > 0.0 and below and view in (0, 1, 4, 5):
            return STOPPED
        if view == 5:
            return FELL if 0.0 < x <= NEAR_ZERO * self.level else 1
        if view in (2, 3):
            r, c = x - self.level, self.params["clip"] * d
            run = (max(self.run, 0) + 1) if r > c else (min(self.run, 0) - 1) if r < -c else 0
            if abs(run) >= SHIFT_RUN:
                return SHIFTED + (run < 0)
        return 2 * view + below

    def _signed(self, view: int, x: float, slot: int, d: float, fast: float) -> float:
        """The side ``view`` saw ``x`` on (positive: above, rising, wider; for ``floor``, the value)."""
        if view == 0:
            return x - self.level
        if view == 1:
            return x - self.prev
        if view == 2:
            return fast - self.slow
        if view == 3:
            return self.spread + self._alpha[3] * (min(abs(x - self.level), 10.0 * d) - self.spread) - d
        if view == 4:
            return x - self.profile[slot]
        return x

    def _report(self, s: float) -> float:
        """``s``, or 0 within ``hold`` points of the last alarm (a reported score of ``quiet_level`` or more)
        when ``s`` does not pass that alarm's score."""
        quiet = self.n - self.alarm[0] < self.params["hold"]
        return s if (not quiet or s > self.alarm[1]) else 0.0

    def _score(self, x: float, t: float | None) -> float:
        return self._report(self._raw(x, t)[0])

    def _learn(self, x: float, t: float | None) -> None:
        self._step(x, t)

    def _step(self, x: float, t: float | None) -> float:
        score, zs, slot, kept = self._raw(x, t)
        out = self._report(score)
        if out >= self.params["quiet_level"]:
            self.alarm = (self.n, out)
        cycle = self._cycle(t)
        if cycle != self.cycle_at[slot]:
            self.cycles[slot] += 1
            self.cycle_at[slot] = cycle
        self._update(x, slot, zs, kept)
        return out

    def _update(self, x: float, slot: int, zs: list[float], kept: _Kept) -> None:
        p = self.params
        if self.n == 0:
            self.level = self.slow = self.prev = x
            self.profile[slot], self.seen[slot] = x, 1
            self.n = 1
            return
        d, fast, bins = kept
        a_level, a_slow, a_scale0, a_spread = self._alpha
        if self.n >= p["warmup"] and self._tails_learn:
            for tail, z, b in zip((*self.tails, self.final), zs, bins, strict=True):
                tail.add(z, b)
        warm = 1.0 / (self.n + 1)  # the first points: plain running means
        r = x - self.level
        c = p["clip"] * d
        self.run = (max(self.run, 0) + 1) if r > c else (min(self.run, 0) - 1) if r < -c else 0
        a_scale = max(a_scale0, warm)
        cap = c if self.n >= p["warmup"] else abs(r)
        self.scale += a_scale * (min(abs(r), cap) - self.scale)
        step = abs(x - self.prev)
        ccap = p["clip"] * max(self.cscale, 1e-3 * abs(self.level) + 1e-9) if self.n >= p["warmup"] else step
        self.cscale += a_scale * (min(step, ccap) - self.cscale)
        self.spread += a_spread * (min(abs(r), 10.0 * d) - self.spread)
        if abs(self.run) >= p["persist"]:  # a shift: learnt at once
            self.level = self.slow = x
            self.run = 0
        else:
            self.level = fast if self.n >= p["warmup"] else self.level + max(a_level, warm) * r
            self.slow += max(a_slow, warm) * (self.level - self.slow)
        if self.seen[slot] == 0:
            self.profile[slot] = x
        else:
            e = x - self.profile[slot]
            self.sscale += a_scale * (abs(e) - self.sscale)
            self.profile[slot] += max(p["season_alpha"], 1.0 / (self.seen[slot] + 1)) * e
        self.seen[slot] += 1
        self.prev = x
        self.n += 1

    # -- saved models: scalars in JSON, the tails' counts and the profile as arrays ------------------------------
    def get_state(self) -> tuple[StateMeta, StateArrays]:
        for tail in (*self.tails, self.final):
            tail.rescale()
        meta = {
            "n": self.n,
            "stats": [self.level, self.slow, self.prev, self.scale, self.cscale, self.sscale, self.spread],
            "run": self.run,
            "alarm": list(self.alarm),
            "tops": [t.top for t in (*self.tails, self.final)],
            "totals": [t.total for t in (*self.tails, self.final)],
        }
        arrays = {
            "counts": np.array([t.counts for t in (*self.tails, self.final)], dtype=np.float64),
            "profile": np.array(self.profile, dtype=np.float64),
            "seen": np.array(self.seen, dtype=np.int64),
            "cycles": np.array(self.cycles, dtype=np.int64),
            "cycle_at": np.array(self.cycle_at, dtype=np.int64),
        }
        return meta, arrays

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.reset()
        self.n = int(meta["n"])
        (self.level, self.slow, self.prev, self.scale, self.cscale, self.sscale, self.spread) = (
            float(v) for v in meta["stats"]
        )
        self.run = int(meta["run"])
        counts = np.asarray(arrays["counts"], dtype=np.float64)
        totals, tops = list(meta["totals"]), list(meta["tops"])
        if counts.shape == (len(VIEWS), BINS):  # saved before the ``floor`` view: it starts empty, and learns
            counts = np.insert(counts, VIEWS.index("floor"), 0.0, axis=0)
            totals.insert(VIEWS.index("floor"), 0.0)
            tops.insert(VIEWS.index("floor"), 0.0)
        if counts.shape != (len(VIEWS) + 1, BINS):
            raise ValueError(
                f"calibrated: tail counts of shape {counts.shape}, expected {(len(VIEWS) + 1, BINS)}"
            )
        for i, tail in enumerate((*self.tails, self.final)):
            tail.counts = counts[i].tolist()
            tail.total = float(totals[i])
            tail.top = float(tops[i])
            tail.weight = 1.0
        self.profile = np.asarray(arrays["profile"], dtype=np.float64).tolist()
        self.seen = [int(v) for v in arrays["seen"]]
        if "cycles" in arrays:  # saved before the days were counted: none counted yet
            self.cycles = [int(v) for v in arrays["cycles"]]
            self.cycle_at = [int(v) for v in arrays["cycle_at"]]
        self.alarm = (int(meta["alarm"][0]), float(meta["alarm"][1]))


def banked(template: Detector, keys: int) -> bool:
    """Whether a model of ``keys`` keys of ``template`` is trained and scored as one ``CalibratedBank``: the
    same scores as one detector a key (tested), for a model wide enough that the bank is the cheaper."""
    return type(template) is CalibratedDetector and keys >= BANK_KEYS


class CalibratedBank:
    """``calibrated`` for ``keys`` keys at once: the same arithmetic on arrays, one step per interval.

    Why: a host with thousands of keys scores them all every interval; a Python loop over keys
    costs tens of microseconds each, the arrays a fraction of one (bench/keys.py). Scores equal
    ``CalibratedDetector``'s key by key (up to the order of floating-point sums; tested). A NaN
    value is neither scored nor learnt, as in ``Detector.score_one``. A bank goes on from the keys'
    detectors (``of``) and hands each key back as one (``key``): a wide model in the workbench is
    trained and scored this way, and saved key by key as before.
    """

    def __init__(self, keys: int, **params: Any) -> None:
        unknown = set(params) - set(CalibratedDetector.defaults)
        if unknown:
            raise TypeError(f"CalibratedBank: unknown parameters {sorted(unknown)}")
        self.params: dict[str, Any] = {**CalibratedDetector.defaults, **params}
        k, s, v = int(keys), int(self.params["slots"]), len(VIEWS) + 1
        self.keys = k
        self.n = np.zeros(k, dtype=np.int64)
        self.level, self.slow, self.prev = np.zeros(k), np.zeros(k), np.zeros(k)
        self.scale, self.cscale, self.sscale, self.spread = np.zeros(k), np.zeros(k), np.zeros(k), np.zeros(k)
        self.run = np.zeros(k, dtype=np.int64)
        self.profile = np.zeros((k, s))
        self.seen = np.zeros((k, s), dtype=np.int64)
        self.cycles = np.zeros((k, s), dtype=np.int64)
        self.cycle_at = np.full((k, s), -1, dtype=np.int64)
        self.counts = np.zeros((k, v, BINS))
        self.total = np.zeros((k, v))
        self.top = np.zeros((k, v))
        self.weight = np.ones(k)
        self.alarm_at = np.full(k, -(10**9), dtype=np.int64)
        self.alarm_score = np.zeros(k)
        #: each key's last reason, as ``CalibratedDetector.why``
        self.why = np.full(k, -1, dtype=np.int8)
        self.decay = 1.0 - 1.0 / float(self.params["memory"])
        self.top_decay = 0.5 ** (1.0 / float(self.params["top_halflife"]))
        self._rows = np.arange(k)
        self._bins = np.arange(BINS)

    # -- the keys' states, one CalibratedDetector each: a model's saved form, a model that goes on ----------------------
    @classmethod
    def of(cls, detectors: list[CalibratedDetector]) -> CalibratedBank:
        """A bank that goes on from ``detectors`` (one key each, in order; their parameters all the same)."""
        if not detectors:
            raise ValueError("CalibratedBank.of: no detectors")
        params = detectors[0].get_params()
        if any(d.get_params() != params for d in detectors[1:]):
            raise ValueError("CalibratedBank.of: the detectors' parameters differ")
        bank = cls(len(detectors), **params)
        for i, det in enumerate(detectors):
            bank.set_key(i, det)
        return bank

    def set_key(self, i: int, det: CalibratedDetector) -> None:
        """Key ``i`` goes on from ``det``'s state."""
        meta, arrays = det.get_state()  # its tails rescaled: weight 1
        (
            self.level[i],
            self.slow[i],
            self.prev[i],
            self.scale[i],
            self.cscale[i],
            self.sscale[i],
            self.spread[i],
        ) = meta["stats"]
        self.n[i], self.run[i] = meta["n"], meta["run"]
        self.alarm_at[i], self.alarm_score[i] = meta["alarm"]
        self.top[i], self.total[i], self.weight[i] = meta["tops"], meta["totals"], 1.0
        self.counts[i], self.profile[i], self.seen[i] = arrays["counts"], arrays["profile"], arrays["seen"]
        self.cycles[i], self.cycle_at[i] = arrays["cycles"], arrays["cycle_at"]

    def key(self, i: int) -> CalibratedDetector:
        """Key ``i`` as a detector of its own (to save, or to go on one key at a time)."""
        w = float(self.weight[i])
        meta = {
            "n": int(self.n[i]),
            "stats": [
                float(a[i])
                for a in (self.level, self.slow, self.prev, self.scale, self.cscale, self.sscale, self.spread)
            ],
            "run": int(self.run[i]),
            "alarm": [int(self.alarm_at[i]), float(self.alarm_score[i])],
            "tops": self.top[i].tolist(),
            "totals": (self.total[i] / w).tolist(),
        }
        arrays = {
            "counts": self.counts[i] / w,
            "profile": self.profile[i].copy(),
            "seen": self.seen[i].copy(),
            "cycles": self.cycles[i].copy(),
            "cycle_at": self.cycle_at[i].copy(),
        }
        det = CalibratedDetector(**self.params)
        det.set_state(meta, arrays)
        return det

    def reason(self, i: int) -> str:
        """What made key ``i``'s last scored value unusual ("" when there is nothing to say): its detector's
        ``reason``."""
        return reason_text(REASONS, int(self.why[i]))

    def resume(self, x: npt.ArrayLike, t: float | None = None) -> FloatArray:
        """Each key's first value after a gap (NaN: none), as ``CalibratedDetector.resume``: judged by its time
        of day alone, the level views starting again from it; the scores (NaN where no value)."""
        p = self.params
        x = measurable(x)
        ok = ~np.isnan(x)
        xv = np.where(ok, x, 0.0)
        slot = self._slot(t)
        prof = self.profile[self._rows, slot]
        z = np.zeros((self.keys, len(VIEWS) + 1))
        z[:, 4] = np.abs(xv - prof) / np.maximum(self.sscale, 1e-3 * np.abs(self.level) + 1e-9)
        cycles, at = self.cycles[self._rows, slot], self.cycle_at[self._rows, slot]
        today = at == self._times(t) // p["period"]
        can = ok & (self.n >= p["warmup"] + p["calibration"]) & (cycles >= RESUME_CYCLES) & ~today
        score = np.where(can, -np.log10(self._p(z, slice(4, 5))[:, 0]), 0.0)
        why = np.where(can, 8 + (xv - prof <= 0.0), -1)
        anchor = ok & (self.n > 0)
        moved = anchor & restarts(xv, self.level, self.slow, self.scale, p["clip"])
        self.level = np.where(moved, xv, self.level)
        self.slow = np.where(moved, xv, self.slow)
        self.prev = np.where(anchor, xv, self.prev)
        self.run = np.where(anchor, 0, self.run)
        self.profile[self._rows, slot] = np.where(anchor & today, xv, prof)
        self.catch_up(x, t)
        self.why = np.where(ok, why, self.why).astype(np.int8)
        out: FloatArray = np.where(ok, score, np.nan)
        return out

    def catch_up(self, x: npt.ArrayLike, t: float | None = None) -> None:
        """Each key with a value (NaN: none) learns it as ``CalibratedDetector.catch_up`` does: its statistics
        follow, its tails do not, and no alarm is kept; the keys' last reasons stay as they were."""
        ok = ~np.isnan(measurable(x))
        why = self.why.copy()
        self.step(x, t, learn=ok, tails=False)
        self.forget_alarms(ok)
        self.why = why

    def forget_alarms(self, keys: npt.ArrayLike) -> None:
        """The keys where ``keys`` is True forget their last alarm, as ``CalibratedDetector.forget_alarms``."""
        mask = np.asarray(keys, dtype=bool)
        self.alarm_at[mask] = -(10**9)
        self.alarm_score[mask] = 0.0

    def _why(
        self,
        view: npt.NDArray[np.int64],
        x: FloatArray,
        r: FloatArray,
        c: FloatArray,
        fast: FloatArray,
        sp: FloatArray,
        d: FloatArray,
        prof: FloatArray,
    ) -> npt.NDArray[np.int64]:
        """Each key's reason code, as ``CalibratedDetector._why``."""
        signed = np.stack([r, x - self.prev, fast - self.slow, sp - d, x - prof, x], axis=1)[self._rows, view]
        below = signed <= 0.0
        run = np.where(r > c, np.maximum(self.run, 0) + 1, np.where(r < -c, np.minimum(self.run, 0) - 1, 0))
        code = 2 * view + below
        code = np.where(np.isin(view, (2, 3)) & (np.abs(run) >= SHIFT_RUN), SHIFTED + (run < 0), code)
        fell = np.where((x > 0.0) & (x <= NEAR_ZERO * self.level), FELL, 1)
        code = np.where(view == 5, fell, code)
        stopped = below & (x == 0.0) & (self.level > 0.0) & np.isin(view, (0, 1, 4, 5))
        return np.where(stopped, STOPPED, code)

    def _times(self, t: float | None) -> FloatArray:
        """Each key's time of ``t`` (without one, a key's points are ``step`` seconds apart)."""
        tt: FloatArray = self.n * self.params["step"] if t is None else np.full(self.keys, float(t))
        return tt

    def _slot(self, t: float | None) -> npt.NDArray[np.int64]:
        p = self.params
        k = int(p["slots"])
        slots: npt.NDArray[np.int64] = ((self._times(t) % p["period"]) / p["period"] * k).astype(np.int64) % k
        return slots

    def _p(self, z_all: FloatArray, part: slice) -> FloatArray:
        """The tail probabilities of ``z_all[:, part]`` in those tails of each key, records extrapolated (the
        views' by ``tail_index``, the final one's in log10)."""
        z = z_all[:, part]
        counts, total, top_seen = self.counts[:, part], self.total[:, part], self.top[:, part]
        b = tail_bins(z)
        above = np.where(self._bins > b[..., None], counts, 0.0).sum(axis=-1)
        above += 0.5 * np.take_along_axis(counts, b[..., None], axis=-1)[..., 0]
        w = self.weight[:, None]
        p = (above + w) / (total + w)
        if part.start == len(VIEWS):
            factor = 10.0 ** -np.minimum(z - top_seen, 6.0)
        else:
            top = np.maximum(top_seen, LO)
            factor = (top / np.clip(z, LO, RECORD_CAP * top)) ** float(self.params["tail_index"])
        out: FloatArray = np.where(total > 0.0, np.where(z > top_seen, p * factor, p), 1.0)
        return out

    def step(
        self,
        x: npt.ArrayLike,
        t: float | None = None,
        learn: bool | npt.ArrayLike = True,
        tails: bool | npt.ArrayLike = True,
        resume: bool | npt.ArrayLike = False,
    ) -> FloatArray:
        """Score one interval's values (one per key) from the past, then learn them where ``learn`` (a key's
        ``score_one(learn=False)``: scored, nothing learnt, not even the alarm); the scores. Where ``tails`` is
        False a key's statistics learn the value and its tails do not, as in ``CalibratedDetector.catch_up``;
        where ``resume`` is True the value is the first after a gap, and the key is resumed from it
        (``resume``) instead."""
        first = np.broadcast_to(np.asarray(resume, dtype=bool), (self.keys,)) & ~np.isnan(
            np.asarray(x, float)
        )
        if first.any():
            x = np.asarray(x, dtype=np.float64)
            scores = self.step(np.where(first, np.nan, x), t, learn, tails)
            why = self.why.copy()
            out: FloatArray = np.where(first, self.resume(np.where(first, x, np.nan), t), scores)
            self.why = np.where(first, self.why, why).astype(np.int8)
            return out
        p = self.params
        x = measurable(x)
        ok = ~np.isnan(x)
        upd = ok & np.broadcast_to(np.asarray(learn, dtype=bool), ok.shape)
        tails_learn = np.broadcast_to(np.asarray(tails, dtype=bool), ok.shape)
        x = np.where(ok, x, 0.0)
        slot = self._slot(t)
        rows = self._rows
        first = self.n == 0
        warm_done = self.n >= p["warmup"]
        floor = 1e-3 * np.abs(self.level) + 1e-9
        d = np.maximum(self.scale, floor)
        r = x - self.level
        c = p["clip"] * d
        rc = np.clip(r, -c, c)
        a_level = alpha(p["level_halflife"])
        fast = self.level + a_level * rc
        a_spread = alpha(p["spread_halflife"])
        sp = self.spread + a_spread * (np.minimum(np.abs(r), 10.0 * d) - self.spread)
        seen = self.seen[rows, slot]
        prof = self.profile[rows, slot]
        z = np.zeros((self.keys, len(VIEWS) + 1))
        z[:, 0] = np.abs(r) / d
        z[:, 1] = np.abs(x - self.prev) / np.maximum(self.cscale, floor)
        z[:, 2] = np.abs(fast - self.slow) / d
        z[:, 3] = np.abs(np.log(np.maximum(sp, 1e-3 * d) / d))
        z[:, 4] = np.where(seen >= 3, np.abs(x - prof) / np.maximum(self.sscale, floor), 0.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a level of 5e-324, say
            z[:, 5] = np.where(self.level > 0.0, np.maximum(0.0, 1.0 - x / self.level), 0.0)
        v = len(VIEWS)
        pv = self._p(z, slice(0, v))
        z[:, v] = -np.log10(pv.min(axis=1))
        score = -np.log10(self._p(z, slice(v, v + 1))[:, 0])
        scored = (self.n >= p["warmup"] + p["calibration"]) & ok
        score = np.where(scored, score, 0.0)
        self.why = np.where(scored, self._why(pv.argmin(axis=1), x, r, c, fast, sp, d, prof), -1).astype(
            np.int8
        )
        quiet = self.n - self.alarm_at < p["hold"]
        out = np.where(~quiet | (score > self.alarm_score), score, 0.0)
        alarm = upd & (out >= p["quiet_level"])
        self.alarm_at = np.where(alarm, self.n, self.alarm_at)
        self.alarm_score = np.where(alarm, out, self.alarm_score)
        # learn (where the value is there and learning is asked for)
        learn_tail = upd & warm_done & tails_learn
        b = tail_bins(z)
        kk, vv = np.nonzero(learn_tail[:, None] & np.ones_like(z, dtype=bool))
        self.counts[kk, vv, b[kk, vv]] += self.weight[kk]
        self.total += np.where(learn_tail[:, None], self.weight[:, None], 0.0)
        self.top = np.where(learn_tail[:, None], np.maximum(self.top * self.top_decay, z), self.top)
        self.weight = np.where(learn_tail, self.weight / self.decay, self.weight)
        big = self.weight > 1e100
        if big.any():
            w = self.weight[big]
            self.counts[big] /= w[:, None, None]
            self.total[big] /= w[:, None]
            self.weight[big] = 1.0
        warm = 1.0 / (self.n + 1)
        run = np.where(r > c, np.maximum(self.run, 0) + 1, np.where(r < -c, np.minimum(self.run, 0) - 1, 0))
        a_scale = np.maximum(alpha(p["scale_halflife"]), warm)
        cap = np.where(warm_done, c, np.abs(r))
        scale = self.scale + a_scale * (np.minimum(np.abs(r), cap) - self.scale)
        step = np.abs(x - self.prev)
        ccap = np.where(warm_done, p["clip"] * np.maximum(self.cscale, floor), step)
        cscale = self.cscale + a_scale * (np.minimum(step, ccap) - self.cscale)
        spread = self.spread + a_spread * (np.minimum(np.abs(r), 10.0 * d) - self.spread)
        shift = np.abs(run) >= p["persist"]
        level = np.where(shift, x, np.where(warm_done, fast, self.level + np.maximum(a_level, warm) * r))
        slow = np.where(
            shift, x, self.slow + np.maximum(alpha(p["slow_halflife"]), warm) * (level - self.slow)
        )
        run = np.where(shift, 0, run)
        e = x - prof
        sscale = np.where(seen == 0, self.sscale, self.sscale + a_scale * (np.abs(e) - self.sscale))
        new_prof = np.where(seen == 0, x, prof + np.maximum(p["season_alpha"], 1.0 / (seen + 1)) * e)
        # the first point of a key only sets its level
        grow = upd & ~first
        self.level = np.where(upd, np.where(first, x, level), self.level)
        self.slow = np.where(upd, np.where(first, x, slow), self.slow)
        self.scale = np.where(grow, scale, self.scale)
        self.cscale = np.where(grow, cscale, self.cscale)
        self.spread = np.where(grow, spread, self.spread)
        self.sscale = np.where(grow, sscale, self.sscale)
        self.run = np.where(grow, run, self.run)
        self.profile[rows, slot] = np.where(upd, np.where(first, x, new_prof), prof)
        self.seen[rows, slot] = seen + upd
        cycle = self._times(t) // p["period"]
        at = self.cycle_at[rows, slot]
        self.cycles[rows, slot] += upd & (cycle != at)
        self.cycle_at[rows, slot] = np.where(upd, cycle, at)
        self.prev = np.where(upd, x, self.prev)
        self.n = self.n + upd
        return out
