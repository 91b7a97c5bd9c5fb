"""`cleverinvo serve --workers 2` keeps every promise of one worker: gapless unique numbers, the per-key limit,
and a revoked key refused on every worker within 60 seconds."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.server.helpers import make_client, run_cli, start_server


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("workers"), "--workers", "2")
    yield server
    server.stop()


def fresh_connection_get(url: str, key: str) -> httpx.Response:
    """One request on a new connection, so successive requests reach whichever worker accepts first."""
    return httpx.get(url, headers={"Authorization": f"Bearer {key}", "Connection": "close"}, timeout=30)


def workers_seen(server, key: str) -> set[str]:
    pattern = re.compile(r"\[(\d+)\] cleverinvo\.access: .* key=" + re.escape(key[:12]))
    return {m.group(1) for m in pattern.finditer(server.log.read_text())}


def test_numbers_stay_unique_and_gapless_across_workers(two_workers):
    key = two_workers.key("numbers")
    with two_workers.client(key=key) as http:
        client = make_client(http)

    def create(_: int) -> str:
        body = {"clientId": client["id"], "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1}]}
        headers = {"Authorization": f"Bearer {key}", "Connection": "close"}
        response = httpx.post(f"{two_workers.url}/api/v1/invoices", json=body, headers=headers, timeout=60)
        assert response.status_code == 201, response.text
        return response.json()["data"]["invoiceNumber"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(60)))
    assert sorted(numbers) == [f"INV-{n:04d}" for n in range(1, 61)]
    assert len(workers_seen(two_workers, key)) == 2


def test_the_limit_holds_per_key_across_workers(two_workers):
    key = two_workers.key("limited")
    statuses = [fresh_connection_get(f"{two_workers.url}/api/v1/clients", key).status_code for _ in range(121)]
    assert statuses[:120] == [200] * 120 and statuses[120] == 429
    assert len(workers_seen(two_workers, key)) == 2
    other = fresh_connection_get(f"{two_workers.url}/api/v1/clients", two_workers.key("unlimited-neighbour"))
    assert other.status_code == 200


@pytest.mark.slow
def test_a_revoked_key_stops_on_every_worker_within_60_seconds(two_workers):
    key = two_workers.key("revoked-later")
    url = f"{two_workers.url}/api/v1/clients"
    while len(workers_seen(two_workers, key)) < 2:  # both workers have verified (and cached) the key
        assert fresh_connection_get(url, key).status_code == 200
    run_cli(two_workers.db, "keys", "revoke", key[:12])
    revoked_at = time.monotonic()
    while time.monotonic() - revoked_at < 65:
        if all(fresh_connection_get(url, key).status_code == 401 for _ in range(10)):
            break
        time.sleep(1)
    stopped_after = time.monotonic() - revoked_at
    assert stopped_after < 60, f"still accepted {stopped_after:.0f} s after revocation"
    assert all(fresh_connection_get(url, key).status_code == 401 for _ in range(20))


def test_the_listening_socket_gives_accepted_connections_what_asyncio_needs_for_tcp_nodelay():
    import socket

    from cleverinvo.server.run import listening_socket

    server = listening_socket("127.0.0.1", 0)
    server.listen()
    with socket.create_connection(server.getsockname()):
        accepted, _ = server.accept()
        assert accepted.proto == socket.IPPROTO_TCP  # asyncio sets TCP_NODELAY only on such sockets
        accepted.close()
    server.close()
