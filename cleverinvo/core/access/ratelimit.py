"""Request limits per API key: a token bucket of 120 tokens where each spent token comes back 60 seconds
after it was spent. Unlike a bucket refilled continuously, this never lets more than 120 requests through in
any 60-second window, which is what "120 requests per minute" promises.

``RateLimiter`` keeps the buckets in memory: the fast path for one server process. ``SharedRateLimiter`` keeps
them in a small SQLite file that every worker process of one server opens, under a file lock: the processes run on
one host, the state needs no durability (no fsync), and it never contends with the business database, whichever
that is.
``DatabaseRateLimiter`` keeps them in the PostgreSQL database itself, for servers on several hosts: one atomic
statement per request, on the database's clock.
"""

import fcntl
import math
import os
import sqlite3
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


class SharedRateLimiter:
    """Buckets in a small SQLite file shared by the worker processes of one server (one connection per thread).

    Each decision is taken under an exclusive lock on a file beside it (``fcntl.flock``), held for the few tens of
    microseconds the statements take: SQLite's own busy handler would make a waiting worker sleep for milliseconds
    at a time (p99 ≈ 0.9 s at 600 requests/s on two workers), where a waiter on the file lock is woken as soon as
    it is free. Every statement is an index lookup, whatever the limit: the tokens out are counted in ``bucket`` as
    they are spent and come back, not by counting the key's log (an operator's limit of millions made that the cost
    of every request).

    ``prepare(path)`` makes the file once, in the parent, before the workers start: switching a file to WAL is
    the one step that two processes must not race on.
    """

    blocking = False  # the lock is held for microseconds: waiting for it costs less than a hop to a thread

    def __init__(self, path: Path, limit: int = LIMIT, window: float = WINDOW_SECONDS) -> None:
        self.path = path
        self.limit = limit
        self.window = window
        self._local = threading.local()

    @staticmethod
    def prepare(path: Path) -> Path:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS spent (key TEXT NOT NULL, at REAL NOT NULL)")
            conn.execute("CREATE INDEX IF NOT EXISTS spent_key_at ON spent (key, at)")
            conn.execute("CREATE TABLE IF NOT EXISTS bucket (key TEXT PRIMARY KEY, out INTEGER NOT NULL) WITHOUT ROWID")
        finally:
            conn.close()
        path.with_name(path.name + ".lock").touch()
        return path

    def _opened(self) -> tuple[sqlite3.Connection, int]:
        opened = getattr(self._local, "opened", None)
        if opened is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA synchronous=OFF")
            lock = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            opened = self._local.opened = (conn, lock)
        return opened

    def take(self, key: str) -> RateDecision:
        """Spend one token of ``key``'s bucket if one is there, deciding under the file lock."""
        now = time.time()  # wall-clock time: the processes share it, as they would not share a monotonic clock
        conn, lock = self._opened()
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                back = conn.execute("DELETE FROM spent WHERE key = ? AND at <= ?", (key, now - self.window)).rowcount
                found = conn.execute("SELECT out FROM bucket WHERE key = ?", (key,)).fetchone()
                out = (found[0] if found else 0) - back
                allowed = out < self.limit
                if allowed:
                    conn.execute("INSERT INTO spent (key, at) VALUES (?, ?)", (key, now))
                    out += 1
                if allowed or back:
                    conn.execute("REPLACE INTO bucket (key, out) VALUES (?, ?)", (key, out))
                if allowed:  # the decision reads only the newest token then: this one
                    oldest = newest = now
                else:
                    (oldest,) = conn.execute("SELECT MIN(at) FROM spent WHERE key = ?", (key,)).fetchone()
                    (newest,) = conn.execute("SELECT MAX(at) FROM spent WHERE key = ?", (key,)).fetchone()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        return decide(out if allowed else self.limit + 1, oldest, newest, now, self.limit, self.window)


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
