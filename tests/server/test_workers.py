"""`cleverinvo serve --workers 2` keeps every promise of one worker: gapless unique numbers, the per-key limit,
and a revoked key refused on every worker within 60 seconds."""

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from cleverinvo.server.run import render_processes
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


def probes_answered(server, marker: str) -> dict[int, tuple[str, int]]:
    """Which worker answered each probe ``/api/v1/clients/<marker>-<n>`` and with what status, from the access
    log (a refused request's line names no key, so the probe's path tells them apart)."""
    pattern = re.compile(r"\[(\d+)\] cleverinvo\.access: GET /api/v1/clients/" + marker + r"-(\d+) (\d{3}) ")
    return {int(m.group(2)): (m.group(1), int(m.group(3))) for m in pattern.finditer(server.log.read_text())}


@pytest.mark.slow
def test_a_revoked_key_stops_on_every_worker_within_60_seconds(two_workers):
    """Probes on fresh connections until each worker has refused the key; which worker answered is read from the
    log, so a run of refusals that all reached one worker does not count for the other."""
    key = two_workers.key("revoked-later")
    url = f"{two_workers.url}/api/v1/clients"
    deadline = time.monotonic() + 60
    while len(workers_seen(two_workers, key)) < 2:  # both workers have verified (and cached) the key
        assert fresh_connection_get(url, key).status_code == 200 and time.monotonic() < deadline
    workers = workers_seen(two_workers, key)
    run_cli(two_workers.db, "keys", "revoke", key[:12])
    revoked_at = time.monotonic()
    sent = 0

    def probe() -> dict[int, tuple[str, int]]:
        """One more probe (401 once refused; while the key is accepted, 404: no such client, or 429 past the
        key's limit); the log so far."""
        nonlocal sent
        sent += 1
        status = fresh_connection_get(f"{url}/revoked-{sent}", key).status_code
        assert status in (401, 404, 429), status
        logged_by = time.monotonic() + 10
        while sent not in (answered := probes_answered(two_workers, "revoked")):  # logged once answered
            assert time.monotonic() < logged_by, f"probe {sent} is not in the access log"
            time.sleep(0.01)
        assert answered[sent][1] == status
        return answered

    refusing: set[str] = set()
    while refusing != workers and time.monotonic() - revoked_at < 65:
        refusing = {worker for worker, status in probe().values() if status == 401}
        time.sleep(0.2)
    stopped_after = time.monotonic() - revoked_at
    assert refusing == workers and stopped_after < 60, f"{refusing} of {workers} refuse after {stopped_after:.0f} s"
    for _ in range(20):
        answered = probe()
    for worker in workers:  # once a worker refused the key, it never took it again
        refused = [status == 401 for n, (who, status) in sorted(answered.items()) if who == worker]
        assert refused == sorted(refused), (worker, refused)
    assert [answered[n][1] for n in range(sent - 19, sent + 1)] == [401] * 20


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


def test_serve_gives_each_worker_its_share_of_the_cpus_for_renders(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert [render_processes(workers) for workers in (1, 2, 3, 4, 8)] == [4, 2, 1, 1, 1]
