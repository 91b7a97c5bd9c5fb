"""API keys: shown once, stored only as an argon2 hash, verified with a short cache, revoked for good."""

import contextlib
import logging
import secrets
import threading

import pytest
from argon2 import PasswordHasher

from cleverinvo.core import AuthenticationError, NotFound, TooManyAttempts
from cleverinvo.core.access import keys
from cleverinvo.core.storage import models


def test_a_key_is_shown_once_and_stored_only_as_a_hash(books):
    made = books.keys.create("shop")
    assert made.key.startswith("cinv_") and len(made.key) >= 5 + 32
    assert made.info.prefix == made.key[:12] and made.info.label == "shop"
    stored = models.ApiKey.get_by_id(made.info.id)
    assert stored.secret_hash.startswith("$argon2")
    assert made.key not in stored.secret_hash
    assert [k.prefix for k in books.keys.list()] == [made.key[:12]]


def test_verify_finds_the_account_and_records_use(ci, books):
    made = books.keys.create()
    identity = ci.verify_key(made.key)
    assert (identity.account_id, identity.key_id) == (books.account_id, made.info.id)
    assert books.keys.list()[0].last_used_at is not None


@pytest.mark.parametrize("bad", [None, "", "Bearer x", "cinv_short", "sk_" + "a" * 40, "cinv_" + "!" * 40])
def test_malformed_keys_are_refused(ci, bad):
    with pytest.raises(AuthenticationError):
        ci.verify_key(bad)


def test_an_unknown_key_with_a_known_prefix_is_refused(ci, books):
    made = books.keys.create()
    forged = made.key[:12] + "A" * (len(made.key) - 12)
    with pytest.raises(AuthenticationError):
        ci.verify_key(forged)


def test_revoke_by_prefix_stops_the_key_at_once_in_this_process(ci, books):
    made = books.keys.create()
    ci.verify_key(made.key)  # now cached
    ci.revoke_key(made.key[:12])
    with pytest.raises(AuthenticationError):
        ci.verify_key(made.key)
    assert books.keys.list()[0].revoked_at is not None
    with pytest.raises(NotFound):
        ci.revoke_key("cinv_nothing")


def test_a_revocation_elsewhere_is_seen_once_the_cache_expires(ci, books, monkeypatch):
    made = books.keys.create()
    ci.verify_key(made.key)
    models.ApiKey.update(revoked_at=models.ApiKey.created_at).execute()  # as another process would
    assert ci.verify_key(made.key).key_id == made.info.id  # served from the cache…
    assert keys.CACHE_SECONDS <= 60
    clock = iter([10**9])
    monkeypatch.setattr(keys.time, "monotonic", lambda: next(clock))  # …until it expires
    with pytest.raises(AuthenticationError):
        ci.verify_key(made.key)


def forgeries(key: str, count: int) -> list[str]:
    """Wrong secrets on ``key``'s prefix, each different."""
    return [key[:12] + f"{n:04d}" + "B" * (len(key) - 16) for n in range(count)]


def test_failed_checks_are_limited_per_prefix_before_argon2_runs(ci, books, caplog):
    made = books.keys.create()
    for forged in forgeries(made.key, keys.FAILURES_PER_PREFIX):
        with pytest.raises(AuthenticationError):
            ci.verify_key(forged)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="cleverinvo.keys"), pytest.raises(TooManyAttempts) as refused:
        ci.verify_key(made.key)  # even the right secret waits: the prefix is under attack and the key is cold
    assert 0 < refused.value.retry_after <= keys.FAILURE_WINDOW
    assert not [r for r in caplog.records if "argon2" in r.getMessage()]
    other = books.keys.create()
    assert ci.verify_key(other.key).key_id == other.info.id  # other prefixes are not affected


def test_a_cached_key_keeps_working_while_its_prefix_is_flooded(ci, books):
    made = books.keys.create()
    ci.verify_key(made.key)
    with pytest.raises(TooManyAttempts):
        for forged in forgeries(made.key, keys.FAILURES_PER_PREFIX + 1):
            with contextlib.suppress(AuthenticationError):
                ci.verify_key(forged)
    assert ci.verify_key(made.key).key_id == made.info.id


def test_failed_checks_are_limited_per_client_address(ci, books):
    source = f"192.0.2.{secrets.randbelow(250)}-{secrets.token_hex(4)}"
    for _ in range(keys.FAILURES_PER_ADDRESS):
        with pytest.raises(AuthenticationError):
            ci.verify_key("cinv_" + secrets.token_urlsafe(32), source)  # a new prefix every time
    made = books.keys.create()
    with pytest.raises(TooManyAttempts):
        ci.verify_key(made.key, source)
    assert ci.verify_key(made.key, "198.51.100.7").key_id == made.info.id


def test_concurrent_checks_of_one_key_run_argon2_once(ci, books, caplog):
    made = books.keys.create()
    barrier = threading.Barrier(20)
    results: list[str] = []

    def check() -> None:
        barrier.wait()
        results.append(ci.verify_key(made.key).key_id)

    with caplog.at_level(logging.INFO, logger="cleverinvo.keys"):
        threads = [threading.Thread(target=check) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [made.info.id] * 20
    assert len([r for r in caplog.records if r.getMessage().startswith("argon2 check")]) == 1


def test_hashes_are_cheap_and_old_expensive_ones_still_verify_then_are_rewritten(ci, books):
    made = books.keys.create()
    assert "$m=1024,t=1,p=1$" in models.ApiKey.get_by_id(made.info.id).secret_hash
    old = books.keys.create()
    models.ApiKey.update(secret_hash=PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(old.key)).where(
        models.ApiKey.id == old.info.id
    ).execute()
    assert ci.verify_key(old.key).key_id == old.info.id
    assert "$m=1024,t=1,p=1$" in models.ApiKey.get_by_id(old.info.id).secret_hash


def test_the_cache_renews_a_key_ahead_of_expiry_without_argon2(ci, books, monkeypatch, caplog):
    made = books.keys.create()
    now = [1000.0]
    monkeypatch.setattr(keys.time, "monotonic", lambda: now[0])
    ci.verify_key(made.key)
    assert ci.cached_key(made.key) == keys.CachedKey(ci.verify_key(made.key), refresh=False)
    now[0] += keys.REFRESH_AFTER + 1
    assert ci.cached_key(made.key).refresh  # due: the server re-checks it in the background, once
    assert not ci.cached_key(made.key).refresh
    with caplog.at_level(logging.INFO, logger="cleverinvo.keys"):
        ci.verify_key(made.key)
        now[0] += keys.CACHE_SECONDS + 5  # long after the entry would have expired
        assert ci.cached_key(made.key) is None
        assert ci.verify_key(made.key).key_id == made.info.id
    assert not [r for r in caplog.records if "argon2" in r.getMessage()]
    models.ApiKey.update(revoked_at=models.ApiKey.created_at).execute()  # as another process would
    now[0] += keys.REFRESH_AFTER
    with pytest.raises(AuthenticationError):
        ci.verify_key(made.key)
    assert ci.cached_key(made.key) is None


def test_a_key_retried_after_failing_is_refused_from_memory_and_counted_once(ci, books, caplog):
    made = books.keys.create()
    ci.revoke_key(made.info.id)
    with caplog.at_level(logging.INFO, logger="cleverinvo.keys"):
        for _ in range(3 * keys.FAILURES_PER_PREFIX):
            with pytest.raises(AuthenticationError):
                ci.verify_key(made.key)  # never TooManyAttempts: the client learns its key is refused
    assert len([r for r in caplog.records if "argon2" in r.getMessage()]) <= 1
    with pytest.raises(AuthenticationError):
        ci.cached_key(made.key)
