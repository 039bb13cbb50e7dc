"""RedrawBudget: how much of the GUI thread the frame timer's plot redraws may take.

Its own module because it is policy, not drawing: the panels ask it before redrawing and
report what a redraw and its paint cost. One budget is shared by the panels of one
dashboard (``gui/dashboard.py`` owns it and passes it to each ``PlotPanel``), so two
windows, or two tests, each have their own.
"""

from __future__ import annotations

import time
import weakref


class RedrawBudget:
    """How much of the GUI thread the plots may use, shared by the panels it is given to.

    The frame timer calls every panel's ``refresh()`` thirty times a second; a panel
    whose stream moved redraws (Python work in ``refresh``, then its paint in the
    event loop). A panel wants to redraw at its stream's rate: once per stream
    interval (``every``), at most ``max_rate`` times a second, never faster (a host
    whose other streams move its clock does not make a one-second stream redraw ten
    times a second). With many panels on fast streams, or a consumer thread busy
    ingesting, that work can exceed what the GUI thread has: frames would stretch
    and the event loop stall. So:

    * redraws draw on a token bucket filled at ``share`` of wall time, at most
      ``burst`` seconds ahead, and one frame (the redraws asked for back to back,
      and the paints that follow them in the same pass of the event loop) carries at
      most ``burst`` of them: never a pile of redraws;
    * when the bucket is empty, the panels that are due queue, and the one that has
      waited longest since it fell due goes first, so the frame timer's fixed order
      favours nobody (a panel inside its interval is not queued: it held back the
      due ones);
    * each panel waits at least its stream's interval, and at least (one redraw of
      every busy panel ÷ share) between redraws, so a cheap panel on a fast stream
      does not take every turn, and every panel gets the same rate whatever its own
      cost. When the panels' redraws fit in the share, the first bound is the one
      that holds: every panel at its stream's rate. (Each panel's own cost × busy
      panels, the bound before, put the dearer panels and any whose cost jittered
      a frame past their stream's interval: 7.2 redraws/s each where 10 fit.)

    ``share`` is 0.9 and ``burst`` 30 ms: the burst is what keeps the event loop
    answering (a frame carries at most 30 ms of redrawing and painting), the share
    bounds the redraws over time. The bucket alone did not bound a frame: each panel
    asks after the redraws before it, so it found the bucket refilled by their time,
    and when all 35 plots of bench/gui.py fell due together (their streams send
    together) one frame carried all 35: 40-60 ms of a blocked event loop, its p99
    whatever the burst (19 ms then). Bounded per frame, the 35 take two or three
    frames; 30 ms leaves room for them when a busy machine doubles a redraw's cost
    (three frames of 30 ms a tenth of a second), and the p99 under 50 ms
    (docs/PERFORMANCE.md, "The GUI under ingestion").

    The frame timer keeps its rate, the event loop stays responsive, and under load
    each panel simply redraws less often (the newest data is never skipped, only
    shown later). Settings changes (chart, window, key, ...) redraw at once.

    Costs are wall time on purpose: a redraw that waits for a core or for the GIL
    blocks the event loop as long as one that computes. Counted in GUI-thread CPU
    time instead (``time.thread_time``), bench/gui.py at load 9 on 2 cores redrew
    each plot 3.2 times a second but at 9.4 frames/s with an event-loop p99 of
    432 ms (docs/PERFORMANCE.md): the plots took the event loop.
    """

    def __init__(
        self, share: float = 0.9, burst: float = 0.030, max_interval: float = 5.0, max_rate: float = 10.0
    ) -> None:
        self.share, self.burst, self.max_interval = share, burst, max_interval
        #: redraws a second a panel is never given more of, whatever its stream's rate
        self.max_rate = max_rate
        #: panel -> the least seconds it wants between redraws (its stream's interval)
        self.every: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()
        self.enabled = True
        #: the clock the turns are measured by (seconds); a test may give a simulated one
        self.clock = time.perf_counter
        self.tokens = burst
        self.last = self.clock()
        # per panel (any weak-referenceable object), forgotten with it
        self.draw_cost: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()  # EWMA seconds
        self.paint_cost: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()
        self.drawn_at: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()
        # panel -> (since, last asked)
        self.waiting: weakref.WeakKeyDictionary[object, tuple[float, float]] = weakref.WeakKeyDictionary()
        self.redraws = 0
        self._round, self._busy_at = 0.0, -1e9  # seconds one redraw of every busy panel takes; counted when
        # panel -> (estimate, routine)
        self._paint_due: weakref.WeakKeyDictionary[object, tuple[float, bool]] = weakref.WeakKeyDictionary()
        self._oldest: float | None = None
        self._counted_at = -1e9  # when the queue was last recounted (a panel gone quiet leaves it then)
        # what this frame's redraws and their paints cost so far, and when its last redraw ended
        self._frame_spent, self._frame_end = 0.0, -1e9

    def cost(self, panel: object) -> float:
        """Seconds of GUI thread one redraw of ``panel`` takes: its Python work plus its paint."""
        return self.draw_cost.get(panel, 0.0) + self.paint_cost.get(panel, 0.0)

    def interval(self, panel: object, now: float) -> float:
        """The least time between two redraws of ``panel`` now."""
        if now - self._busy_at > 0.1 or now < self._busy_at:  # counted ten times a second, not per call
            busy = [p for p, t in list(self.drawn_at.items()) if now - t < 2 * self.max_interval]
            self._round = sum(self.cost(p) for p in busy)
            self._busy_at = now
        wanted = self.every.get(panel, 1.0 / self.max_rate)
        return min(self.max_interval, max(wanted, max(self._round, self.cost(panel)) / self.share))

    def window(self, panel: object, now: float) -> float:
        """Seconds within which ``panel``, asking at every frame with something new, gets its turn: its
        interval, plus the time the bucket takes to pay back what it owes now, the redraws of the panels
        queued with it, and its own."""
        ahead = sum(self.cost(other) for other in list(self.waiting.keys()) if other is not panel)
        owed = max(0.0, -self.tokens) + ahead + min(self.burst, max(self.cost(panel), 1e-3))
        return self.interval(panel, now) + owed / self.share + 2.0 / 30

    def allow(self, panel: object, now: float, every: float | None = None) -> bool:
        """May ``panel`` redraw now? If not, it is queued and asks again next frame.

        ``every``: the panel's stream interval, the least time it wants between redraws
        (bounded to ``1/max_rate`` .. 1 s); None keeps what it said before."""
        if every is not None:
            self.every[panel] = min(1.0, max(1.0 / self.max_rate, every)) - 0.5 / 30  # a frame's jitter
        if not self.enabled:
            return True
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.last) * self.share)
        self.last = now
        if not -FRAME_GAP < now - self._frame_end < FRAME_GAP:  # a pause since the last redraw: a new frame
            self._frame_spent = 0.0
        if now - self.drawn_at.get(panel, -1e9) < self.interval(panel, now):
            # Not due yet, so not queued: a panel inside its interval that counted as the longest waiting
            # would hold back every panel that is due (bench/gui.py at load 6: 5,195 of 9,548 refusals).
            return False
        since = self.waiting.get(panel, (now, now))[0]
        self.waiting[panel] = (since, now)
        self._oldest = None if self._oldest is None else min(self._oldest, since)
        if self.tokens < min(self.cost(panel), self.burst) or self.tokens <= 0:
            return False  # over the share
        if self._frame_spent and self._frame_spent + min(self.cost(panel), self.burst) > self.burst:
            return False  # one frame carries at most `burst` of redrawing and painting
        # recounted after each redraw, and ten times a second (a refusal does not recount)
        if self._oldest is None or not 0 <= now - self._counted_at < 0.1:
            self._counted_at = now
            # Only panels still asking count: one nobody refreshes any more (closed, replaced) must not
            # hold the queue.
            for other, (_since, asked) in list(self.waiting.items()):
                if now - asked > 1.0:
                    del self.waiting[other]
            self._oldest = min((t for t, _ in self.waiting.values()), default=since)
        return since <= self._oldest  # nobody has waited longer

    def forget(self, panel: object) -> None:
        """``panel`` has nothing to draw (or is hidden, paused): it leaves the queue."""
        if self.waiting.pop(panel, None) is not None:
            self._oldest = None

    def drawn(self, panel: object, now: float, seconds: float, routine: bool = True) -> None:
        """``panel`` redrew, in ``seconds``; ``routine``: an ordinary redraw (its time is the panel's cost)."""
        self.waiting.pop(panel, None)
        self._oldest = None
        if panel not in self.drawn_at:
            self._busy_at = -1e9  # a newcomer: count again
        self.drawn_at[panel] = now
        self.redraws += 1
        # The paint that follows is charged now, on its estimate (corrected when it happens): otherwise
        # one frame could let many panels draw and leave all their paints to the next event-loop pass.
        expected = self.paint_cost.get(panel, seconds)
        self.tokens -= seconds + expected
        self._frame_spent += seconds + expected
        self._frame_end = now + seconds
        self._paint_due[panel] = (expected, routine)
        if routine:
            self.draw_cost[panel] = _ewma(self.draw_cost.get(panel), seconds)

    def note_paint(self, panel: object, seconds: float) -> None:
        expected, routine = self._paint_due.pop(panel, (0.0, False))
        self.tokens -= seconds - expected
        if routine:
            self.paint_cost[panel] = _ewma(self.paint_cost.get(panel), seconds)


#: Seconds between one redraw's end and the next panel's turn that start a new frame: within a frame the
#: timer asks the panels one after the other (microseconds apart); between two, the paints and the wait.
FRAME_GAP = 0.004


def _ewma(old: float | None, new: float, alpha: float = 0.3) -> float:
    return new if old is None else old + alpha * (new - old)
