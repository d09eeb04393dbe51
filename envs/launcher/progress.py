"""A small live progress bar on stderr: episodes done, success so far, env-steps/s, ETA.

On a terminal it redraws one line in place, at most every `redraw` seconds (text-mode
episodes can finish a thousand times a second, and a terminal write each time would cost the
run more than the bar is worth), and at the end; otherwise (a log file, CI) it prints a line
every `every` episodes and at the end. It reads the wall clock for rates only; nothing it
measures goes into results.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress", "REDRAW_SECONDS"]

_WIDTH = 24
REDRAW_SECONDS = 0.1
"""The shortest time between two redraws of the live bar: ten a second reads as live."""


class Progress:
    """Counts finished episodes of a run of `total` (`already` of them done before)."""

    def __init__(self, total: int, already: int = 0, already_successes: int = 0,
                 stream: TextIO | None = None, every: int | None = None,
                 label: str = "rollout", redraw: float = REDRAW_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.total, self.done, self.label = total, already, label
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.every = every or max(1, total // 20)
        self.redraw, self._clock = redraw, clock
        self.successes, self.steps, self._new = already_successes, 0, 0
        self._started = clock()  # allow-nondeterminism: progress display only
        self._drawn_at: float | None = None  # when the live bar was last drawn
        self._stale = False  # the live bar is behind the counts

    def update(self, success: bool, steps: int) -> None:
        """One more finished episode."""
        self.done += 1
        self._new += 1
        self.successes += int(success)
        self.steps += steps
        if self.live:
            self._stale = True
            now = self._clock()  # allow-nondeterminism: progress display only
            if (self._drawn_at is None or now - self._drawn_at >= self.redraw
                    or self.done == self.total):
                self._drawn_at = now
                self._draw()
        elif self._new % self.every == 0 or self.done == self.total:
            self._draw()

    def close(self) -> None:
        """End the live line, showing the last counts if the bar was behind them."""
        if self.live:
            if self._stale:
                self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        """The current status line (without bar when not live)."""
        elapsed = max(1e-9, self._clock() - self._started)  # allow-nondeterminism: display
        rate = self.steps / elapsed
        success = self.successes / self.done if self.done else 0.0
        left = self.total - self.done
        eta = _clock(elapsed / self._new * left) if self._new and left else "--:--"
        filled = int(_WIDTH * self.done / max(1, self.total))
        bar = f"[{'#' * filled}{'.' * (_WIDTH - filled)}] " if self.live else ""
        return (f"{self.label} {bar}{self.done}/{self.total} episodes  success {success:.2f}  "
                f"{rate:.0f} steps/s  ETA {eta}")

    def _draw(self) -> None:
        self._stale = False
        if self.live:
            self.stream.write("\r\x1b[2K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
