"""Hybrid logical clocks: ``[wall_ms, counter, node]``, ordered as tuples."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Stamp = tuple[int, int, str]


def as_stamp(value: list | tuple) -> Stamp:
    """A stamp from its JSON form ``[wall_ms, counter, node]``."""
    wall, counter, node = value
    return (int(wall), int(counter), str(node))


@dataclass
class HybridClock:
    """A hybrid logical clock for one node. ``tick`` never goes backwards."""

    node: str
    wall: Callable[[], int] = field(default=lambda: int(time.time() * 1000))
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
