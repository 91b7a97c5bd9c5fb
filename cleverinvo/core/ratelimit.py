"""Request limits per API key: a token bucket of 120 tokens where each spent token comes back 60 seconds
after it was spent. Unlike a bucket refilled continuously, this never lets more than 120 requests through in
any 60-second window, which is what "120 requests per minute" promises."""

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

LIMIT = 120
WINDOW_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one request: allowed or not, the limit, what remains, and when to come back."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the bucket is full again
    retry_after: int  # until the next request is allowed (0 when this one was)
    window_seconds: int


class RateLimiter:
    """In-memory buckets, one per key, safe to share between threads."""

    def __init__(
        self, limit: int = LIMIT, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._spent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> RateDecision:
        """Spend one token of ``key``'s bucket if one is there."""
        now = self._clock()
        with self._lock:
            spent = self._spent.setdefault(key, deque())
            while spent and spent[0] <= now - self.window:
                spent.popleft()
            allowed = len(spent) < self.limit
            if allowed:
                spent.append(now)
            retry_after = 0 if allowed else math.ceil(spent[0] + self.window - now)
            reset = math.ceil(spent[-1] + self.window - now) if spent else 0
            if len(self._spent) > 10_000:
                self._forget_idle(now)
            return RateDecision(
                allowed=allowed,
                limit=self.limit,
                remaining=self.limit - len(spent),
                reset_seconds=reset,
                retry_after=max(retry_after, 1) if not allowed else 0,
                window_seconds=math.ceil(self.window),
            )

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, spent in self._spent.items() if not spent or spent[-1] <= now - self.window]:
            del self._spent[key]
