"""Time, from one place.

``Clock`` is the only thing in ips-field that reads the machine's clock (``SystemClock``).
Everything that stamps or compares time takes a clock, and entry points pass the system
clock; tests pin a ``FixedClock`` once, in shared fixtures, through ``set_default_clock``.

Hybrid logical clocks (``[wall_ms, counter, node]``, ordered as tuples) live here too, since
their wall part comes from a ``Clock``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Stamp = tuple[int, int, str]


class Clock:
    """Now (aware, in the machine's local zone), today's local date and milliseconds."""

    def now(self) -> dt.datetime:  # pragma: no cover - overridden
        raise NotImplementedError

    def utc(self) -> dt.datetime:
        """Now in UTC."""
        return self.now().astimezone(dt.UTC)

    def today(self) -> dt.date:
        """The service's local date (the laptop's and office PC's own zone)."""
        return self.now().date()

    def wall_ms(self) -> int:
        """Milliseconds since the epoch, for hybrid logical clocks."""
        return int(self.now().timestamp() * 1000)

    def monotonic(self) -> float:
        """Seconds since an arbitrary point, counting time the machine was suspended."""
        return self.now().timestamp()


class SystemClock(Clock):
    """The machine's own clock. The only code that reads it."""

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(time.time()).astimezone()


class FixedClock(Clock):
    """A clock that stands still unless moved (tests, demos, benchmarks).

    ``step`` advances it on every ``now()``, so successive stamps differ as real ones would.
    """

    def __init__(self, at: dt.datetime, *, step: dt.timedelta = dt.timedelta(0)) -> None:
        if at.tzinfo is None:
            raise ValueError("a FixedClock needs an aware datetime")
        self._at = at
        self.step = step

    def now(self) -> dt.datetime:
        at = self._at
        self._at = at + self.step
        return at

    def peek(self) -> dt.datetime:
        return self._at

    def set(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a FixedClock needs an aware datetime")
        self._at = at

    def advance(self, **delta: float) -> None:
        self._at = self._at + dt.timedelta(**delta)

    def today(self) -> dt.date:
        return self._at.date()

    def monotonic(self) -> float:
        return self._at.timestamp()


def fixed_clock(year: int, month: int, day: int, hour: int = 10, minute: int = 30) -> FixedClock:
    """A fixed UTC clock at that moment (tests and demos)."""
    return FixedClock(dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC))


_default: Clock = SystemClock()


def default_clock() -> Clock:
    """The clock used where a caller passed none: the system clock, or what tests pinned."""
    return _default


def set_default_clock(clock: Clock) -> Clock:
    """Pin the process's default clock (test fixtures); returns the previous one."""
    global _default
    previous, _default = _default, clock
    return previous


def as_stamp(value: list[Any] | tuple[Any, ...]) -> Stamp:
    """A stamp from its JSON form ``[wall_ms, counter, node]``."""
    wall, counter, node = value
    return (int(wall), int(counter), str(node))


@dataclass
class HybridClock:
    """A hybrid logical clock for one node. ``tick`` never goes backwards."""

    node: str
    wall: Callable[[], int] = field(default=lambda: default_clock().wall_ms())
    last: Stamp = (0, 0, "")

    def tick(self) -> Stamp:
        """A new stamp, later than every stamp issued or observed so far."""
        now = self.wall()
        last_wall, last_counter, _ = self.last
        if now > last_wall:
            self.last = (now, 0, self.node)
        else:
            self.last = (last_wall, last_counter + 1, self.node)
        return self.last

    def observe(self, remote: Stamp) -> None:
        """Move past a stamp received from another node."""
        if remote[:2] > self.last[:2]:
            self.last = (remote[0], remote[1], self.node)
