"""The per-key limit: 120 requests in any 60 seconds, with honest Retry-After and reset figures."""

import time

from cleverinvo.core.access.ratelimit import RING, SLOTS, RateLimiter, SharedRateLimiter
from tests.conftest import POSTGRES_ADMIN


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_121st_request_within_a_minute_is_refused_and_others_are_unaffected():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    decisions = []
    for _ in range(120):
        decisions.append(limiter.take("a"))
        clock.now += 0.4  # 120 requests spread over 48 s
    assert all(d.allowed for d in decisions)
    assert [d.remaining for d in decisions[:3]] == [119, 118, 117]
    refused = limiter.take("a")
    assert not refused.allowed and refused.remaining == 0
    assert refused.retry_after == 12  # the first token comes back 60 s after it was spent
    assert limiter.take("b").allowed and limiter.take("b").remaining == 118


def test_tokens_come_back_one_minute_after_they_were_spent():
    clock = FakeClock()
    limiter = RateLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        limiter.take("k")
        clock.now += 10  # spent at 0, 10 and 20 s
    assert not limiter.take("k").allowed
    clock.now = 1000.0 + 59.9
    assert not limiter.take("k").allowed
    clock.now = 1000.0 + 60
    back = limiter.take("k")  # the token of 0 s is back, those of 10 and 20 s are not
    assert back.allowed and back.remaining == 0
    clock.now += 60
    assert limiter.take("k").remaining == 2


def test_reset_is_the_time_until_the_bucket_is_full():
    clock = FakeClock()
    limiter = RateLimiter(limit=5, window=60, clock=clock)
    limiter.take("k")
    clock.now += 20
    assert limiter.take("k").reset_seconds == 60
    clock.now += 61
    assert limiter.take("k").reset_seconds == 60 and limiter.take("k").remaining == 3


def test_a_shared_bucket_holds_across_processes(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    path = SharedRateLimiter.prepare(tmp_path / "rate-limits")
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_spend, [(path, "k", 70), (path, "k", 70)]))
    allowed = sum(r[0] for r in results)
    assert allowed == 120
    assert SharedRateLimiter(path).take("other").remaining == 119
    refused = SharedRateLimiter(path).take("k")
    assert not refused.allowed and 1 <= refused.retry_after <= 60


def test_a_shared_bucket_gives_each_token_back_a_window_after_it_was_spent(tmp_path):
    limiter = SharedRateLimiter(SharedRateLimiter.prepare(tmp_path / "rate-limits"), limit=3, window=0.5)
    decisions = [limiter.take("k") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0] and decisions[3].retry_after == 1
    time.sleep(0.55)
    assert limiter.take("k").remaining == 2  # all three back, one spent again


def test_a_shared_bucket_beyond_its_ring_never_lets_more_than_the_limit_through_in_any_window(tmp_path):
    limit, window = RING * 3, 0.5
    limiter = SharedRateLimiter(SharedRateLimiter.prepare(tmp_path / "rate-limits"), limit=limit, window=window)
    allowed: list[float] = []
    started = time.time()
    while (before := time.time()) - started < 3 * window:
        if limiter.take("k").allowed:
            allowed.append(before)
    # The times are read around each decision, not at it: a window a little shorter than the limiter's is surely
    # within one of its windows.
    span = window - 0.01
    busiest = max(sum(1 for t in allowed[i:] if t < start + span) for i, start in enumerate(allowed))
    assert busiest <= limit and len(allowed) > 2 * limit  # the bound holds, and tokens came back


def test_a_shared_table_serves_more_keys_than_it_has_slots(tmp_path):
    limiter = SharedRateLimiter(SharedRateLimiter.prepare(tmp_path / "rate-limits"), limit=5)
    keys = [f"key-{n}" for n in range(SLOTS + 500)]
    assert all(limiter.take(key).remaining == 4 for key in keys)  # every key found a slot of its own or a free one
    assert limiter.take(keys[-1]).remaining == 3  # and a recent key's slot still holds its spends


def _spend(args: tuple) -> tuple[int, int]:
    path, key, count = args
    limiter = SharedRateLimiter(path)
    decisions = [limiter.take(key) for _ in range(count)]
    return sum(d.allowed for d in decisions), sum(not d.allowed for d in decisions)


def test_the_database_keeps_the_buckets_when_several_hosts_may_serve_it(ci):
    shared = ci.shared_rate_limiter(limit=3)
    if not POSTGRES_ADMIN:
        assert shared is None  # a SQLite file is one host's: the server keeps its buckets itself
        return
    other_host = type(shared)(ci.database, limit=3)  # a second process on the same database
    decisions = [limiter.take("key-1").allowed for limiter in (shared, other_host, shared, other_host, shared)]
    assert decisions == [True, True, True, False, False]
    refused = shared.take("key-1")
    assert refused.remaining == 0 and 55 <= refused.retry_after <= 60
    assert shared.take("key-2").allowed and shared.take("key-2").remaining == 1
