"""Several hosts on one PostgreSQL database: two ``serve`` processes with nothing in common but the database (each
its own state folder) allow 120 requests per key per minute in total, not 120 each."""

import pytest

from tests.conftest import POSTGRES_ADMIN
from tests.server.helpers import start_server

pytestmark = pytest.mark.skipif(not POSTGRES_ADMIN, reason="the buckets live in the database only on PostgreSQL")


def test_two_servers_on_one_database_share_each_keys_limit(tmp_path):
    for host in ("a", "b"):
        (tmp_path / host).mkdir()
    first = start_server(tmp_path / "a", env={"TMPDIR": str(tmp_path / "a")})
    second = start_server(tmp_path / "b", db=first.db, env={"TMPDIR": str(tmp_path / "b")})
    try:
        key = first.key("shared")
        with first.client(key=key) as a, second.client(key=key) as b:
            statuses = [(a if n % 2 else b).get("/api/v1/clients").status_code for n in range(130)]
            assert statuses.count(200) == 120 and statuses[120:] == [429] * 10
            refused = b.get("/api/v1/clients")
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
            assert refused.headers["X-RateLimit-Remaining"] == "0"
        with second.client(key=second.key("neighbour")) as other:
            assert other.get("/api/v1/clients").status_code == 200
    finally:
        first.stop()
        second.stop()
