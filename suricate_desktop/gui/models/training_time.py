"""How long a training run will take, in words: before it starts, from the detector's measured cost, and while
it runs, from its progress.

Why: the same dialog trains ``ewma`` on three keys in a blink and ``sequence`` on 500 keys in six minutes
(770 µs a point, measured on the held-out evaluation: ``detector_figures``). A progress bar alone does
not say which of the two a click started. Qt-free, so the arithmetic is tested without a screen.
"""

from __future__ import annotations

from ...analytics.detector_figures import measured

#: Below this many seconds an estimate is not worth a word
WORTH_SAYING = 10.0


def duration_text(seconds: float) -> str:
    """``40 s``, ``2.5 min``, ``25 min``, ``1.5 h``."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 600:
        return f"{seconds / 60:.1f} min"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def expected(kind: str, intervals: int, keys: int) -> str:
    """`` (about 6 min)``: what training ``keys`` keys of ``kind`` on ``intervals`` intervals should cost at
    the detector's measured cost a point (each point is learnt once, and the held-out ones scored); empty
    when that is short or not measured."""
    figures = measured(kind)
    if figures is None:
        return ""
    seconds = figures.us_per_point * intervals * keys / 1e6
    return f" (about {duration_text(seconds)})" if seconds >= WORTH_SAYING else ""


def left(elapsed: float, fraction: float) -> str:
    """`` 25 %, about 90 s left``: words from the time a run has taken and how far it is; empty
    while too early to tell (under 3 s, or under 2 % done) and once done."""
    if elapsed < 3 or not 0.02 <= fraction < 1:
        return ""
    return f" {100 * fraction:.0f} %, about {duration_text(elapsed * (1 - fraction) / fraction)} left"
