"""Series colours people can tell apart, also with the commonest colour-vision deficiency.

No Qt here: colours are hex strings and the arithmetic is numpy, so tests check the
palette itself. ``PALETTE`` is Okabe and Ito's seven (without yellow, unreadable on
white) followed by Tol's muted set, in the order that keeps every two neighbours
(cyclically, so after the last comes the first) far apart in
CIELAB (ΔE*76; ``NEIGHBOUR_DISTANCE``), in normal vision and as a deuteranope sees them (Machado, Oliveira
and Fernandes 2009, severity 1). A panel gives its keys colours with ``Colours``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np

#: In the order found by searching for the largest least neighbour distance (Tol's sand left out: too pale
#: on white); neighbours are at least ``NEIGHBOUR_DISTANCE`` apart.
PALETTE = [
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#0072B2",  # blue
    "#000000",  # black
    "#009E73",  # bluish green
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#44AA99",  # teal
    "#332288",  # indigo
    "#999933",  # olive
    "#882255",  # wine
    "#88CCEE",  # cyan
    "#AA4499",  # purple
    "#117733",  # green
]
#: ΔE*76 below which two series shown together count as hard to tell apart (about 2.3 is just
#: noticeable; lines one pixel wide need far more). Most pairs of the palette are this far apart, for
#: deuteranopes too; the few that are not (reddish purple and Tol's teal: 4.3) a panel avoids giving to two keys it shows at once.
MIN_DISTANCE = 22.0
#: The least distance between two palette neighbours (cyclically), both visions.
NEIGHBOUR_DISTANCE = 29.0

# Machado et al. (2009), deuteranomaly of severity 1.0, on linear RGB.
_DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
_RGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def rgb(colour: str) -> np.ndarray:
    """``#RRGGBB`` as three floats 0-255."""
    h = colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)


def _linear(c: np.ndarray) -> np.ndarray:
    c = np.asarray(c, dtype=float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _encoded(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)
    return 255.0 * np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def deuteranope(colour: np.ndarray) -> np.ndarray:
    """The RGB (0-255) a deuteranope sees for ``colour`` (RGB 0-255)."""
    return _encoded(_DEUTERANOPIA @ _linear(colour))


def lab(colour: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of an RGB colour (0-255)."""
    t = (_RGB_TO_XYZ @ _linear(colour)) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, deuteranopia: bool = False) -> float:
    """ΔE*76 between two hex colours, as seen with normal vision or with deuteranopia."""
    x, y = rgb(a), rgb(b)
    if deuteranopia:
        x, y = deuteranope(x), deuteranope(y)
    return float(np.linalg.norm(lab(x) - lab(y)))


def apart(a: str, b: str) -> float:
    """The smaller of the two distances: how hard the pair is for the reader who finds it hardest."""
    return min(distance(a, b), distance(a, b, deuteranopia=True))


_APART = {(a, b): apart(a, b) for a in PALETTE for b in PALETTE if a != b}


class Colours:
    """One panel's key → colour map: a key keeps its colour for the panel's life, and no two keys shown
    together get colours closer than ``MIN_DISTANCE``.

    A new key takes the palette colour after the last one given (neighbours in a legend,
    which lists keys as they came, are palette neighbours), skipping any colour too close
    to one of the keys shown now; with more keys than the palette can keep apart, the
    one farthest from those shown.
    """

    def __init__(self) -> None:
        self.of: dict[Hashable, str] = {}
        self._next = 0

    def colour(self, key: Hashable, shown: Iterable[Hashable] = ()) -> str:
        known = self.of.get(key)
        if known is not None:
            return known
        used = {self.of[k] for k in shown if k in self.of and k != key}
        n = len(PALETTE)
        best, best_gap = PALETTE[self._next % n], -1.0
        for step in range(n):
            candidate = PALETTE[(self._next + step) % n]
            gap = min((_APART.get((candidate, u), 0.0) for u in used), default=1e9)
            if gap >= MIN_DISTANCE:
                best, best_gap = candidate, gap
                self._next = (self._next + step + 1) % n
                break
            if gap > best_gap:
                best, best_gap = candidate, gap
        else:
            self._next = (PALETTE.index(best) + 1) % n
        self.of[key] = best
        return best


__all__ = [
    "MIN_DISTANCE",
    "NEIGHBOUR_DISTANCE",
    "PALETTE",
    "Colours",
    "apart",
    "deuteranope",
    "distance",
    "lab",
]
