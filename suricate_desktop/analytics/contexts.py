"""A contextual anomaly detector in the manner of CAD OSE (Smirnov's Contextual Anomaly Detector,
open-source edition, NAB 69.9), written from its published description.

Why: the point-wise views of ``ensemble`` see a value that is far from the usual one; they do
not see a *sequence* that is new (a spike density that rises, a cycle that changes shape)
when every value on its own is ordinary. A context memory does: it learns which groups of
"facts" follow which, and a step whose facts the memory did not foresee is anomalous.

The method, per point:

* the value is put in one of ``2 ** bits`` bins of an encoding range and the bin number's bits
  become the step's *facts* ``(bit position, bit value)``. NAB's run of CAD OSE took each
  file's whole range, known in advance; here the range is learnt online: the extremes seen so
  far widened by ``margin`` of their span on each side, re-made only when a value falls
  outside it. Re-binning changes what every learnt fact means, so with ``forget_on_expand``
  the memory then starts afresh and the step scores 1.0 (past every value seen: nothing could
  have foreseen it); with ``replay`` the fresh memory first relearns the last ``replay`` points
  on the new bins, so that it is what the memory would be had the range been known then (a
  known range is worth about 6 NAB points to CAD OSE; relearning recovers part of it);
* the *left* group of a step is the previous step's facts plus the ids of the contexts that
  were active then (up to ``max_active``: the memory's own state, which makes the contexts
  sequences of any order); the *right* group is the current facts;
* a *context* is a pair (left facts, right facts) seen together: the whole pair of every step
  is remembered (a zero-level context), and when a new one is made, the intersections of the
  current groups with the remembered zero-level contexts become candidate contexts too (left
  parts of at most ``max_left`` facts);
* contexts whose left part is wholly present are *selected*; those whose right part is wholly
  present too are *active*; each selected context keeps its hit rate (right facts seen over
  right facts expected), and the best-rated fully selected contexts predict the next facts;
* the raw anomaly is ``(1 - active / selected + added / candidates) / 2`` when some current
  fact was not predicted, else 0, and after a raw score of ``base_threshold`` or more the
  detector keeps quiet for ``rest`` points (the published detector's rest period).

Memory: the context memory grows with the variety of the stream and stops growing at
``max_contexts`` contexts (it then goes on scoring with what it has), so a week-long live
session stays bounded.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt

from .detectors.base import FloatArray, StateArrays, StateMeta

_NEURON = 1 << 31  # facts above this are context ids (the memory's own state)

#: a group of facts (bits of a bin, and context ids above ``_NEURON``), in order
Facts = tuple[int, ...]


class ContextMemory:
    """The context store: semi-contexts (fact sets) on each side, contexts as (left, right) pairs.

    Arrays per context (``ctx_*``): left semi id, right semi id, right facts expected, right
    facts seen, times active, whether it was ever a whole step (zero level).
    """

    def __init__(self, max_left: int = 7, max_contexts: int = 200_000):
        self.max_left = int(max_left)
        self.max_contexts = int(max_contexts)
        self._clear()

    def _clear(self) -> None:
        """Forget every context (the memory as made, with its limits)."""
        # semi-contexts: facts tuple -> id; per id the facts; per fact the ids that hold it
        self.left_ids: dict[Facts, int] = {}
        self.left_facts: list[Facts] = []
        self.left_children: list[dict[int, int]] = []  # right id -> context id
        self.right_ids: dict[Facts, int] = {}
        self.right_facts: list[Facts] = []
        self.left_index: dict[int, list[int]] = {}
        self.right_index: dict[int, list[int]] = {}
        self.ctx_left: list[int] = []
        self.ctx_right: list[int] = []
        self.ctx_expected: list[int] = []
        self.ctx_seen: list[int] = []
        self.ctx_active: list[int] = []
        self.ctx_zero: list[int] = []

    def __len__(self) -> int:
        return len(self.ctx_left)

    @staticmethod
    def _semi(
        ids: dict[Facts, int],
        facts_list: list[Facts],
        index: dict[int, list[int]],
        facts: Facts,
        extra: list[dict[int, int]] | None = None,
    ) -> int:
        sid = ids.get(facts)
        if sid is None:
            sid = ids[facts] = len(facts_list)
            facts_list.append(facts)
            if extra is not None:
                extra.append({})
            for f in facts:
                index.setdefault(f, []).append(sid)
        return sid

    def context(self, left: Facts, right: Facts, zero: bool) -> tuple[int, bool]:
        """The id of the context (left, right), made if new (id -1 when the memory is full); and
        whether it was made."""
        if len(self.ctx_left) >= self.max_contexts and left not in self.left_ids:
            return -1, False
        lid = self._semi(self.left_ids, self.left_facts, self.left_index, left, self.left_children)
        rid = self._semi(self.right_ids, self.right_facts, self.right_index, right)
        children = self.left_children[lid]
        cid = children.get(rid)
        if cid is not None:
            if zero:
                self.ctx_zero[cid] = 1
            return cid, False
        if len(self.ctx_left) >= self.max_contexts:
            return -1, False
        cid = children[rid] = len(self.ctx_left)
        self.ctx_left.append(lid)
        self.ctx_right.append(rid)
        self.ctx_expected.append(0)
        self.ctx_seen.append(0)
        self.ctx_active.append(0)
        self.ctx_zero.append(1 if zero else 0)
        return cid, True

    @property
    def full(self) -> bool:
        return len(self.ctx_left) >= self.max_contexts

    def find(self, left: Facts, right: Facts) -> int:
        """The id of the context (left, right), -1 if it is not in the memory."""
        lid, rid = self.left_ids.get(left), self.right_ids.get(right)
        if lid is None or rid is None:
            return -1
        return self.left_children[lid].get(rid, -1)

    @staticmethod
    def cross(index: dict[int, list[int]], facts: Facts) -> dict[int, list[int]]:
        """Semi-context id -> the given facts it holds (only those holding at least one)."""
        hit: dict[int, list[int]] = {}
        for f in facts:
            for sid in index.get(f, ()):
                got = hit.get(sid)
                if got is None:
                    hit[sid] = [f]
                else:
                    got.append(f)
        return hit

    # -- state -------------------------------------------------------------------------------------------------------
    def arrays(self) -> dict[str, npt.NDArray[np.int64]]:
        def flat(seqs: list[Facts]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
            lengths = np.fromiter((len(s) for s in seqs), np.int64, len(seqs))
            values = np.fromiter((f for s in seqs for f in s), np.int64, int(lengths.sum()))
            return values, lengths

        lv, ll = flat(self.left_facts)
        rv, rl = flat(self.right_facts)
        ctx = np.array(
            [self.ctx_left, self.ctx_right, self.ctx_expected, self.ctx_seen, self.ctx_active, self.ctx_zero],
            dtype=np.int64,
        ).reshape(6, -1)
        return {"left_facts": lv, "left_lengths": ll, "right_facts": rv, "right_lengths": rl, "contexts": ctx}

    def load(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        def unflat(values: npt.NDArray[Any], lengths: npt.NDArray[Any]) -> list[Facts]:
            ends = np.cumsum(lengths)
            return [
                tuple(values[e - n : e].tolist())
                for n, e in zip(lengths.tolist(), ends.tolist(), strict=True)
            ]

        self._clear()
        for facts in unflat(arrays["left_facts"], arrays["left_lengths"]):
            self._semi(self.left_ids, self.left_facts, self.left_index, facts, self.left_children)
        for facts in unflat(arrays["right_facts"], arrays["right_lengths"]):
            self._semi(self.right_ids, self.right_facts, self.right_index, facts)
        ctx = np.asarray(arrays["contexts"], dtype=np.int64).reshape(6, -1)
        (self.ctx_left, self.ctx_right, self.ctx_expected, self.ctx_seen, self.ctx_active, self.ctx_zero) = (
            row.tolist() for row in ctx
        )
        for cid, (lid, rid) in enumerate(zip(self.ctx_left, self.ctx_right, strict=True)):
            self.left_children[lid][rid] = cid


class ContextModel:
    """The streaming CAD-style scorer over one key (see the module's docstring)."""

    def __init__(
        self,
        bits: int = 3,
        max_left: int = 7,
        max_active: int = 15,
        max_contexts: int = 200_000,
        margin: float = 0.0,
        forget_on_expand: bool = False,
        replay: int = 0,
    ):
        self.bits = int(bits)
        self.margin = float(margin)
        self.forget_on_expand = bool(forget_on_expand)
        self.history: deque[float] = deque(
            maxlen=max(0, int(replay))
        )  # the last points learnt, relearnt on a new range
        self.max_active = int(max_active)
        self.memory = ContextMemory(max_left, max_contexts)
        self.lo = self.seen_lo = np.inf  # the encoding range, and the extremes seen
        self.hi = self.seen_hi = -np.inf
        self.left: Facts = ()  # the previous step's left group (facts + active context ids)
        self.left_hit: dict[int, list[int]] = {}  # the left crossing of ``left``
        self.predicted: frozenset[int] = frozenset()

    def facts(self, x: float, lo: float, hi: float) -> Facts:
        """The bits of ``x``'s bin in ``[lo, hi]``, as facts ``2 * position + bit``."""
        top = (1 << self.bits) - 1
        span = hi - lo
        step = (span if span > 0 else top) / top
        b = min(top, max(0, int((x - lo) / step)))
        return tuple(2 * k + ((b >> k) & 1) for k in range(self.bits))

    def step(self, x: float, learn: bool = True) -> float:
        """The raw anomaly of ``x`` in [0, 1] from the memory before this step; then, if ``learn``,
        the step is learnt (without it nothing changes: a look at what ``x`` would score)."""
        lo, hi, left, left_hit, predicted = self.lo, self.hi, self.left, self.left_hit, self.predicted
        mem = self.memory
        if learn:
            self.seen_lo, self.seen_hi = min(self.seen_lo, x), max(self.seen_hi, x)
        forget = False
        if not (lo <= x <= hi):
            lo, hi, forget = self._widened(x)  # (seen_lo/hi already hold x when learning: same result)
            if forget and learn and self.history.maxlen:
                self._relearn(lo, hi)
                self.step(x)
                return 1.0
            if forget:
                mem, left, left_hit, predicted = (
                    ContextMemory(mem.max_left, mem.max_contexts),
                    (),
                    {},
                    frozenset(),
                )
        current = self.facts(x, lo, hi)
        top = (1 << self.bits) - 1
        missed = sum(1 << (f >> 1) for f in current if f not in predicted) / top

        if learn:
            self.lo, self.hi, self.memory = lo, hi, mem
            self.history.append(x)
            new_id, made = mem.context(left, current, zero=True) if left else (-1, False)
        else:
            new_id, made = -1, bool(left) and mem.find(left, current) < 0 and not mem.full
        right_hit = mem.cross(mem.right_index, current)
        active, selected, potential = [], 0, []
        right_facts, expected, seen, times_active = (
            mem.right_facts,
            mem.ctx_expected,
            mem.ctx_seen,
            mem.ctx_active,
        )
        for lid, lfacts in left_hit.items():
            whole_left = len(lfacts) == len(mem.left_facts[lid])
            short_left = len(lfacts) <= mem.max_left
            for rid, cid in mem.left_children[lid].items():
                if cid == new_id and made:
                    continue
                rfacts = right_hit.get(rid)
                whole_right = rfacts is not None and len(rfacts) == len(right_facts[rid])
                if whole_left:
                    selected += 1
                    if learn:
                        expected[cid] += len(right_facts[rid])
                        if rfacts:
                            seen[cid] += len(rfacts)
                            if whole_right:
                                times_active[cid] += 1
                    if whole_right:
                        active.append((times_active[cid], lid, rid, cid))
                        continue
                if rfacts and made and short_left and mem.ctx_zero[cid]:
                    potential.append((tuple(lfacts), tuple(rfacts)))
        candidates = set(potential)
        if left:
            candidates.add((left, current))
        share_active = len(active) / selected if selected else 0.0
        if learn:
            added = sum(1 for pair in potential if mem.context(*pair, zero=False)[1])
        else:
            added = sum(1 for pair in set(potential) if pair != (left, current) and mem.find(*pair) < 0)
        added += 1 if made else 0
        share_added = added / len(candidates) if made and candidates else 0.0
        if learn:
            active.sort()
            neurons = tuple(_NEURON + a[3] for a in active[-self.max_active :])
            self.left = tuple(sorted(current + neurons))
            # the next step's predictions: the right facts of the best-rated contexts whose left part is all here
            self.left_hit = mem.cross(mem.left_index, self.left)
            self.predicted = self._predict()
        if forget:
            return 1.0  # past every value seen: nothing in the memory can have foreseen it
        return (1.0 - share_active + share_added) / 2.0 if missed > 0 else 0.0

    def _relearn(self, lo: float, hi: float) -> None:
        """Start a fresh memory on the range ``[lo, hi]`` and learn the remembered last points on it."""
        self.lo, self.hi = lo, hi
        self.memory = ContextMemory(self.memory.max_left, self.memory.max_contexts)
        self.left, self.left_hit, self.predicted = (), {}, frozenset()
        past = list(self.history)
        self.history.clear()
        for v in past:  # each inside the new range: learnt as any step, and remembered again
            self.step(v)

    def _widened(self, x: float) -> tuple[float, float, bool]:
        """The encoding range re-made to hold ``x``: the extremes seen so far widened by ``margin``
        of their span on each side; and whether the memory is to be forgotten for it."""
        lo, hi = min(self.seen_lo, x), max(self.seen_hi, x)
        slack = self.margin * (hi - lo)
        return lo - slack, hi + slack, self.forget_on_expand and np.isfinite(self.lo)

    def _predict(self) -> frozenset[int]:
        mem = self.memory
        best = 0.0
        chosen: list[int] = []
        for lid, lfacts in self.left_hit.items():
            if len(lfacts) != len(mem.left_facts[lid]):
                continue
            for rid, cid in mem.left_children[lid].items():
                e = mem.ctx_expected[cid]
                w = mem.ctx_seen[cid] / e if e > 0 else 0.0
                if w > best:
                    best, chosen = w, [rid]
                elif w == best:
                    chosen.append(rid)
        out: set[int] = set()
        for rid in chosen:
            out.update(mem.right_facts[rid])
        return frozenset(out)

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        meta = {
            k: (None if not np.isfinite(v) else float(v))
            for k, v in (
                ("lo", self.lo),
                ("hi", self.hi),
                ("seen_lo", self.seen_lo),
                ("seen_hi", self.seen_hi),
            )
        }
        return meta, {
            **self.memory.arrays(),
            "left": np.array(self.left, dtype=np.int64),
            "predicted": np.array(sorted(self.predicted), dtype=np.int64),
            "history": np.array(self.history, dtype=np.float64),
        }

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.memory.load(arrays)
        for k, empty in (("lo", np.inf), ("hi", -np.inf), ("seen_lo", np.inf), ("seen_hi", -np.inf)):
            setattr(self, k, empty if meta.get(k) is None else float(meta[k]))
        self.left = tuple(np.asarray(arrays["left"], dtype=np.int64).tolist())
        self.left_hit = self.memory.cross(self.memory.left_index, self.left)
        self.predicted = frozenset(np.asarray(arrays["predicted"], dtype=np.int64).tolist())
        self.history.clear()
        self.history.extend(
            np.asarray(arrays.get("history", ()), dtype=np.float64).tolist()
        )  # none before replay


class RestPeriod:
    """Quiet for ``rest`` points after a raw score of ``level`` or more (CAD OSE's own suppression)."""

    def __init__(self, rest: int, level: float):
        self.level = float(level)
        self.recent: deque[float] = deque(
            [1.0], maxlen=max(1, int(rest))
        )  # starts quiet, as the published one

    def peek(self, raw: float) -> float:
        """What ``gate`` would return, without remembering ``raw``."""
        return raw if max(self.recent) < self.level else 0.0

    def forget(self) -> None:
        """No raw score remembered: not quiet."""
        self.recent.clear()
        self.recent.append(0.0)

    def gate(self, raw: float) -> float:
        out = self.peek(raw)
        self.recent.append(raw)
        return out

    def array(self) -> FloatArray:
        return np.fromiter(self.recent, float, len(self.recent))

    def load(self, recent: npt.ArrayLike) -> None:
        self.recent.clear()
        self.recent.extend(np.asarray(recent, dtype=float).tolist())
