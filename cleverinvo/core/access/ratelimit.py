"""Request limits per API key: a token bucket of 120 tokens where each spent token comes back 60 seconds
after it was spent. Unlike a bucket refilled continuously, this never lets more than 120 requests through in
any 60-second window, which is what "120 requests per minute" promises.

``RateLimiter`` keeps the buckets in memory: the fast path for one server process. ``SharedRateLimiter`` keeps
them in a memory-mapped file that every worker process of one server maps, under a file lock: the processes run on
one host, and the state needs no durability.
``DatabaseRateLimiter`` keeps them in the PostgreSQL database itself, for servers on several hosts: one atomic
statement per request, on the database's clock.
"""

import fcntl
import hashlib
import math
import mmap
import os
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import peewee as pw

LIMIT = 120
WINDOW_SECONDS = 60.0


class Limiter(Protocol):
    """What the server needs of a rate limiter."""

    limit: int
    blocking: bool  # whether ``take`` may wait (on a file lock, a database): then it runs off the event loop

    def take(self, key: str) -> "RateDecision": ...


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one request: allowed or not, the limit, what remains, and when to come back."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the bucket is full again
    retry_after: int  # until the next request is allowed (0 when this one was)
    window_seconds: int


def decide(
    spent: int, oldest: float | None, newest: float | None, now: float, limit: int, window: float
) -> RateDecision:
    """The decision once ``spent`` tokens (including this request's, if it was allowed) are out of the bucket."""
    allowed_count = spent if spent <= limit else limit
    retry_after = 0 if spent <= limit or oldest is None else max(1, math.ceil(oldest + window - now))
    return RateDecision(
        allowed=spent <= limit,
        limit=limit,
        remaining=limit - allowed_count,
        reset_seconds=math.ceil(newest + window - now) if newest is not None else 0,
        retry_after=retry_after,
        window_seconds=math.ceil(window),
    )


class RateLimiter:
    """In-memory buckets, one per key, safe to share between threads."""

    blocking = False

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
            if len(self._spent) > 10_000:
                self._forget_idle(now)
            count = len(spent) if allowed else self.limit + 1
            return decide(
                count, spent[0] if spent else None, spent[-1] if spent else None, now, self.limit, self.window
            )

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, spent in self._spent.items() if not spent or spent[-1] <= now - self.window]:
            del self._spent[key]


_HEADER = struct.Struct("<16sIIQd")  # a slot: key digest, oldest entry's index, entries, tokens out, last used
_ENTRY = struct.Struct("<ddQ")  # a spend: first and last time, tokens
SLOTS = 4096  # keys the table holds at once
PROBES = 16  # slots looked at for a key, from the one its digest names
RING = 1024  # entries per key at most: with a limit beyond, an entry holds the tokens spent close together


class SharedRateLimiter:
    """Buckets in a memory-mapped file shared by the worker processes of one server, decided under a file lock
    (``flock``) held for a few microseconds: a waiter is woken as soon as it is free.

    The file is a table of ``SLOTS`` slots: a key takes the first of ``PROBES`` slots from the one its digest names
    that holds it, is free, or whose tokens have all come back (else the least recently used of them, whose key
    then starts afresh: this needs thousands of keys busy within a minute). A slot is a ring of spends. With a
    limit of at most ``RING``, each token spent is an entry and comes back exactly ``window`` seconds after it was
    spent, as with ``RateLimiter``. With a larger limit (an operator's), the tokens spent within
    ``window / (RING - 1)`` of an entry's first share that entry and come back ``window`` seconds after the last of
    them: never early, at most 59 ms late.

    This replaced buckets in a SQLite file: 21 µs a request alone, and with two workers each re-read the pages the
    other had just written (two workers: 4,100 requests/s with it against 6,200 with per-process buckets, same
    run). ``prepare(path)`` makes the file before the workers start; each sizes it for its limit on opening.
    """

    blocking = False  # the lock is held for microseconds: waiting for it costs less than a hop to a thread

    def __init__(self, path: Path, limit: int = LIMIT, window: float = WINDOW_SECONDS) -> None:
        self.path = path
        self.limit = limit
        self.window = window
        self._ring = min(limit, RING)
        self._merge = 0.0 if limit <= RING else window / (RING - 1)
        self._slot_size = _HEADER.size + self._ring * _ENTRY.size
        self._threads = threading.Lock()
        self._file = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        size = SLOTS * self._slot_size
        fcntl.flock(self._file, fcntl.LOCK_EX)
        try:
            if os.fstat(self._file).st_size < size:
                os.ftruncate(self._file, size)  # sparse: only the pages of slots in use take memory
        finally:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._map = mmap.mmap(self._file, size)

    @staticmethod
    def prepare(path: Path) -> Path:
        path.touch(mode=0o600)
        return path

    def take(self, key: str) -> RateDecision:
        """Spend one token of ``key``'s bucket if one is there."""
        now = time.time()  # wall-clock time: the processes share it, as they would not share a monotonic clock
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        with self._threads:
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                return self._take(self._slot(digest, now), now)
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)

    def _entry(self, slot: int, index: int) -> int:
        return slot + _HEADER.size + (index % self._ring) * _ENTRY.size

    def _take(self, slot: int, now: float) -> RateDecision:
        mapped, ring = self._map, self._ring
        digest, head, size, out, _ = _HEADER.unpack_from(mapped, slot)
        while size:  # the spends whose tokens have come back
            _first, last, tokens = _ENTRY.unpack_from(mapped, self._entry(slot, head))
            if last + self.window > now:
                break
            out, head, size = out - tokens, (head + 1) % ring, size - 1
        allowed = out < self.limit
        if allowed:
            newest = self._entry(slot, head + size - 1)
            first, _last, tokens = _ENTRY.unpack_from(mapped, newest) if size else (0.0, 0.0, 0)
            if size and (now - first < self._merge or size == ring):
                _ENTRY.pack_into(mapped, newest, first, now, tokens + 1)
            else:
                _ENTRY.pack_into(mapped, self._entry(slot, head + size), now, now, 1)
                size += 1
            out += 1
        _HEADER.pack_into(mapped, slot, digest, head, size, out, now)
        oldest = _ENTRY.unpack_from(mapped, self._entry(slot, head))[1] if size else None
        newest_time = _ENTRY.unpack_from(mapped, self._entry(slot, head + size - 1))[1] if size else None
        return decide(out if allowed else self.limit + 1, oldest, newest_time, now, self.limit, self.window)

    def _slot(self, digest: bytes, now: float) -> int:
        """The offset of ``digest``'s slot, taking one for it when it has none."""
        start = int.from_bytes(digest[:8], "little") % SLOTS
        offsets = [((start + n) % SLOTS) * self._slot_size for n in range(PROBES)]
        free: int | None = None
        for offset in offsets:
            held, head, size, _out, _used = _HEADER.unpack_from(self._map, offset)
            if held == digest:
                return offset
            if free is None and (size == 0 or self._spent_long_ago(offset, head, size, now)):
                free = offset
        if free is None:
            free = min(offsets, key=lambda offset: _HEADER.unpack_from(self._map, offset)[4])
        _HEADER.pack_into(self._map, free, digest, 0, 0, 0, now)
        return free

    def _spent_long_ago(self, slot: int, head: int, size: int, now: float) -> bool:
        """Whether every token of the slot has come back (its newest spend is a window old)."""
        return _ENTRY.unpack_from(self._map, self._entry(slot, head + size - 1))[1] + self.window <= now


class DatabaseRateLimiter:
    """Buckets in an unlogged PostgreSQL table (they need no durability), shared by every host of one database.

    Each request is one ``INSERT … ON CONFLICT DO UPDATE`` on the key's row, which holds the times of the tokens
    spent in the last window: the row lock orders concurrent requests, the database's clock is the one clock, and
    no request reads before it writes.
    """

    blocking = True
    TABLE = "rate_limit_spent"
    _TAKE = f"""
        WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
        INSERT INTO {TABLE} AS r (key, spent) SELECT %(key)s, ARRAY[now] FROM clock
        ON CONFLICT (key) DO UPDATE SET spent = (
            SELECT CASE WHEN count(*) < %(limit)s
                        THEN coalesce(array_agg(s ORDER BY s), '{{}}'::float8[]) || EXCLUDED.spent[1]
                        ELSE coalesce(array_agg(s ORDER BY s), '{{}}'::float8[]) END
            FROM unnest(r.spent) AS s WHERE s > EXCLUDED.spent[1] - %(window)s)
        RETURNING spent, (SELECT now FROM clock)
    """

    def __init__(self, database: pw.PostgresqlDatabase, limit: int = LIMIT, window: float = WINDOW_SECONDS) -> None:
        self.database = database
        self.limit = limit
        self.window = window
        with database.atomic():  # one process at a time makes the table
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_TABLE_LOCK,))
            database.execute_sql(
                f"CREATE UNLOGGED TABLE IF NOT EXISTS {self.TABLE} (key TEXT PRIMARY KEY, spent FLOAT8[] NOT NULL)"
            )

    def take(self, key: str) -> RateDecision:
        """Spend one token of ``key``'s bucket if one is there."""
        params = {"key": key, "limit": self.limit, "window": self.window}
        spent, now = self.database.execute_sql(self._TAKE, params).fetchone()
        allowed = spent[-1] == now
        count = len(spent) if allowed else self.limit + 1
        return decide(count, min(spent), max(spent), now, self.limit, self.window)


_TABLE_LOCK = 0x636C7274  # "clrt": the advisory lock taken while the rate-limit table is made


def shared_by_hosts(database: pw.Database, limit: int = LIMIT) -> DatabaseRateLimiter | None:
    """A limiter every host of ``database`` shares when it is PostgreSQL; ``None`` for SQLite (one host's file)."""
    return DatabaseRateLimiter(database, limit) if isinstance(database, pw.PostgresqlDatabase) else None
