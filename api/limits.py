"""A per-client limit on writes: at most N write requests per S seconds from one client address.

Configured with WRITE_RATE (environment TIMELINE_WRITE_RATE) as "N/S", e.g. "120/60"; "off"
disables it. Kept in the process's memory: each server process counts for itself, and the count
starts again on a restart. The client is the connection's address (REMOTE_ADDR); behind a reverse
proxy every client has the proxy's address, so the limit then belongs in the proxy (SECURITY.md).
"""
from __future__ import annotations

import math
import re
import threading
import time
from collections import deque

DEFAULT_WRITE_RATE = "120/60"
MAX_CLIENTS = 10_000  # addresses remembered at most; the oldest are forgotten first


def parse_rate(value) -> tuple[int, float] | None:
    """"N/S" -> (N, S); None, "", "off", "0" -> None (no limit). Raises ValueError naming WRITE_RATE."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "off", "none", "0")):
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*", str(value))
    if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
        raise ValueError(f"WRITE_RATE (TIMELINE_WRITE_RATE) must look like '120/60' (writes per seconds) or "
                         f"'off', not {value!r}")
    return int(match.group(1)), float(match.group(2))


class WriteLimiter:
    """Sliding window: the times of each client's recent writes."""

    def __init__(self, writes: int, seconds: float):
        self.writes, self.seconds = writes, seconds
        self._recent: dict[str, deque] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """0 when the client may write now (the write is counted); else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            recent = self._recent.pop(client, None) or deque()
            while recent and recent[0] <= now - self.seconds:
                recent.popleft()
            self._recent[client] = recent  # most recently seen last
            if len(self._recent) > MAX_CLIENTS:
                del self._recent[next(iter(self._recent))]
            if len(recent) >= self.writes:
                return max(recent[0] + self.seconds - now, 0.001)
            recent.append(now)
            return 0.0

    def describe(self) -> str:
        return f"{self.writes} writes per {self.seconds:g} seconds"


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
