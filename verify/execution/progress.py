"""Progress on stderr that suits both a terminal and a log file.

On a TTY one line is redrawn in place (`\\r`); otherwise (a redirected log, CI) plain lines are
printed, at most one per `every` seconds and at the end, so the log stays readable and a
later message never lands on the bar's line. Each report gives done/total, the rate and the
estimated time left: done/total · rate = done / elapsed · ETA = (total − done) / rate.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _dur(s: float) -> str:
    if s != s or s == float("inf"):
        return "?"
    s = int(round(s))
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


class Progress:
    """`update(done)` with the absolute count done; `close()` ends the line (TTY) or prints the
    final line. `unit` names what is counted (steps, tasks, claims)."""

    def __init__(self, total: int, label: str = "", unit: str = "", stream: TextIO | None = None,
                 every: float = 5.0, tty: bool | None = None) -> None:
        self.total, self.label, self.unit = max(1, int(total)), label, unit
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = every
        self.t0 = time.monotonic()
        self.last_emit = self.t0
        self.last_pct = -1
        self.done = 0
        self.closed = False

    def line(self, done: int) -> str:
        el = time.monotonic() - self.t0
        rate = done / el if el > 0 else float("nan")
        eta = (self.total - done) / rate if rate and rate == rate and rate > 0 else float("nan")
        unit = f" {self.unit}" if self.unit else ""
        lab = f"{self.label}: " if self.label else ""
        return (f"{lab}{done}/{self.total}{unit} ({100 * done // self.total}%), "
                f"{rate:.3g}{unit}/s, ETA {_dur(eta)}")

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.tty:
            pct = done * 100 // self.total
            if pct != self.last_pct:
                self.last_pct = pct
                self.stream.write("\r  " + self.line(done) + "   ")
                self.stream.flush()
        elif now - self.last_emit >= self.every and done < self.total:
            self.last_emit = now
            self.stream.write("  " + self.line(done) + "\n")
            self.stream.flush()

    def close(self, final: bool = True) -> None:
        """End the report. final=False (the work was interrupted or failed): on a TTY only end
        the line; in a log print nothing, so the error (one line) is all that follows."""
        if self.closed:
            return
        self.closed = True
        if self.tty:
            self.stream.write("\n")
        elif final:
            self.stream.write("  " + self.line(self.done) + "\n")
        self.stream.flush()
