"""API keys: shown once, stored only as an argon2 hash, verified with a short cache, revoked for good."""

import pytest

from cleverinvo.core import AuthenticationError, NotFound
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
