"""Where to draw a graph's nodes: a force-directed (spring) layout in numpy, and a circle.

Fruchterman and Reingold's layout (1991): every pair of nodes repels (force k²/d), every
edge pulls its ends together in proportion to its weight (force w·d²/k), and the step each
node may take shrinks as the layout cools. All pairs at once with numpy broadcasting: a few
hundred nodes lay out in a fraction of a second, with no graph library to depend on. A weak
pull towards the centre keeps separate components from drifting to the corners. Seeded, so a
graph computed twice is drawn the same way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .detectors.base import FloatArray


def spring_layout(
    n: int,
    edges: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    iterations: int = 300,
    seed: int = 0,
    gravity: float = 0.3,
) -> FloatArray:
    """(n, 2) positions in [-1, 1] for ``n`` nodes and ``edges`` (m, 2) node index pairs."""
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    edges = np.asarray(edges, dtype=np.intp).reshape(-1, 2)
    weights = np.ones(len(edges)) if weights is None else np.asarray(weights, dtype=np.float64)
    pull = np.zeros((n, n))
    pull[edges[:, 0], edges[:, 1]] = weights
    pull[edges[:, 1], edges[:, 0]] = weights
    # a clique would otherwise pull itself into a knot (and its labels on top of each other):
    # each edge's pull is shared out among the links its ends have
    degree = np.maximum(pull.astype(bool).sum(axis=1), 1)
    pull /= np.sqrt(np.outer(degree, degree))
    pos = np.random.default_rng(seed).uniform(-1.0, 1.0, (n, 2))
    k = np.sqrt(4.0 / n)  # the ideal distance between nodes in a [-1, 1] square
    temperature = 0.2
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 0.01)
        force = k * k / distance**2 - pull * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force) - gravity * n * k * pos
        length = np.maximum(np.linalg.norm(displacement, axis=1), 1e-9)
        pos += displacement * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return _normalise(pos)


def circle_layout(n: int, order: npt.ArrayLike | None = None) -> FloatArray:
    """(n, 2) positions on the unit circle, in ``order`` (e.g. by cluster) or index order."""
    angles = 2 * np.pi * np.arange(n) / max(n, 1)
    pos = np.column_stack([np.cos(angles), np.sin(angles)])
    if order is not None:
        placed = np.empty_like(pos)
        placed[np.asarray(order, dtype=np.intp)] = pos
        pos = placed
    return pos


def _normalise(pos: FloatArray) -> FloatArray:
    pos = pos - pos.mean(axis=0)
    scale = np.abs(pos).max()
    return pos / scale if scale > 0 else pos
