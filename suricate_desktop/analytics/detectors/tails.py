"""A key's past deviations as counts in log-spaced bins, exponentially forgotten: the tail probability of a
new one (``Tail``, one key; ``tail_bins`` gives many keys' bins at once, for ``CalibratedBank``).

Why bins: ranking a value among 20,000 remembered ones exactly costs a sort a point; counts in ``BINS``
bins over ``DECADES`` decades cost a constant, and forgetting is one multiplication (the weights grow
instead of the counts shrinking). Used by ``calibrated``, the default detector.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

LO, PER_DECADE, DECADES = 1e-3, 10, 8  # tail bins: log-spaced from LO over DECADES decades
BINS = PER_DECADE * DECADES + 1  # bin 0: at or below LO
RECORD_CAP = 1e6  # a deviation past the largest seen counts at most this many times rarer


def alpha(halflife: float) -> float:
    return float(1.0 - 0.5 ** (1.0 / float(halflife)))


def tail_bin(z: float) -> int:
    if not z > LO:
        return 0
    return min(BINS - 1, 1 + int(math.log10(z / LO) * PER_DECADE))


def tail_bins(z: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """``tail_bin`` of every element of ``z``."""
    safe = np.where(z > LO, z, LO)
    return np.where(z > LO, np.minimum(BINS - 1, 1 + np.floor(np.log10(safe / LO) * PER_DECADE)), 0).astype(
        np.int64
    )


class Tail:
    """The share of a key's past values (exponentially forgotten over ``memory`` points) at least
    as large as ``z``: counts in ``BINS`` log-spaced bins, the value's own bin counted half.

    Weights grow by ``1 / decay`` a point instead of the counts shrinking (O(1) an update),
    rescaled when they grow large."""

    def __init__(self, memory: float, index: float = 1.0, log: bool = False, top_halflife: float = 1e9):
        self.index, self.log = float(index), bool(log)
        self.decay = 1.0 - 1.0 / float(memory)
        self.top_decay = 0.5 ** (1.0 / float(top_halflife))
        self.counts = [0.0] * BINS
        self.total = 0.0
        self.weight = 1.0
        self.top = 0.0

    def p(self, z: float, b: int | None = None) -> float:
        """The tail probability of ``z`` (the point itself counted among the past); 1 with no past at all
        (nothing to be surprised against: a key's first scored point is not a record). ``b``: its
        ``tail_bin``, when the caller has it."""
        if self.total == 0.0:
            return 1.0
        if b is None:
            b = tail_bin(z)
        above = math.fsum(self.counts[b + 1 :]) + 0.5 * self.counts[b]
        p = (above + self.weight) / (self.total + self.weight)
        if z > self.top:  # past every value seen: rarer still, by how far past
            if self.log:  # z is itself a -log10 probability
                p *= 10.0 ** -min(z - self.top, 6.0)
            else:
                # z below the tails' first bin (a flat key's first tiny value, 1e-200) is no record: not
                # clipped, its ratio overflowed and stopped the detector (``CalibratedBank`` clips it too)
                top = max(self.top, LO)
                p *= (top / min(max(z, LO), RECORD_CAP * top)) ** self.index
        return p

    def add(self, z: float, b: int | None = None) -> None:
        self.counts[tail_bin(z) if b is None else b] += self.weight
        self.total += self.weight
        self.top = max(self.top * self.top_decay, z)
        self.weight /= self.decay
        if self.weight > 1e100:
            self.rescale()

    def rescale(self) -> None:
        w = self.weight
        self.counts = [c / w for c in self.counts]
        self.total /= w
        self.weight = 1.0
