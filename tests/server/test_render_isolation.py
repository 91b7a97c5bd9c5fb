"""PDF renders against a real ``cleverinvo serve``: they run in render processes, so one account's burst of large
invoices leaves the others' requests fast; downloads share renders and wait in a bounded queue; a stop does not
wait for a render, and the next request renders it again."""

import asyncio
import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.server.helpers import make_client, start_server

UNLIMITED = {"CLEVERINVO_RATE_LIMIT": "1000000", "CLEVERINVO_RENDER_PROCESSES": "1"}


def big_invoice(client_id: str, items: int = 100, chars: int = 60) -> dict:
    words = ("word " * (chars // 5)).strip()
    return {
        "clientId": client_id,
        "lineItems": [{"description": f"{n} {words}", "quantity": 1, "unitPrice": 10} for n in range(items)],
    }


@pytest.fixture
def server(tmp_path):
    started = start_server(tmp_path, env=UNLIMITED)
    yield started
    if started.process.poll() is None:
        started.stop()


@pytest.mark.slow
def test_sixty_concurrent_creates_of_100_line_invoices_keep_another_accounts_list_under_a_second(server):
    busy_key, calm_key = server.key("busy"), server.key("calm")
    with server.client(key=busy_key) as http:
        busy_client = make_client(http)["id"]
    with server.client(key=calm_key) as http:
        make_client(http)
    done = threading.Event()
    latencies: list[float] = []

    def watch() -> None:
        with server.client(key=calm_key) as http:
            while not done.is_set():
                started = time.perf_counter()
                response = http.get("/api/v1/clients")
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
                time.sleep(0.05)

    body = json.dumps(big_invoice(busy_client)).encode()  # encoded once: the test's own threads stay light

    async def burst() -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {busy_key}", "Content-Type": "application/json"}
        limits = httpx.Limits(max_connections=60)
        async with httpx.AsyncClient(base_url=server.url, headers=headers, limits=limits, timeout=120) as http:
            return await asyncio.gather(*(http.post("/api/v1/invoices", content=body) for _ in range(60)))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        responses = asyncio.run(burst())
    finally:
        done.set()
        watcher.join()
    assert [r.status_code for r in responses] == [201] * 60, {r.status_code: r.text for r in responses}
    assert len(latencies) >= 5 and max(latencies) < 1.0, sorted(latencies)[-5:]
    with server.client(key=busy_key) as http:  # their PDFs come whether rendered already or now
        pdf = http.get(f"/api/v1/invoices/{responses[-1].json()['data']['id']}/pdf", timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "Traceback" not in server.log.read_text()


def test_downloads_share_a_render_and_a_full_queue_answers_503_with_retry_after(server):
    with server.client() as http:
        client_id = make_client(http)["id"]
        one = http.post("/api/v1/invoices", json=big_invoice(client_id, items=20)).json()["data"]["id"]
        with ThreadPoolExecutor(max_workers=6) as pool:
            same = list(pool.map(lambda _: http.get(f"/api/v1/invoices/{one}/pdf", timeout=120), range(6)))
        assert {r.status_code for r in same} == {200} and len({r.content for r in same}) == 1
        many = [http.post("/api/v1/invoices", json=big_invoice(client_id, items=40)).json()["data"]["id"]]
        many += [http.post("/api/v1/invoices", json=big_invoice(client_id, items=40)).json()["data"]["id"]]
        many += [
            http.post("/api/v1/invoices", json=big_invoice(client_id, items=40)).json()["data"]["id"] for _ in range(14)
        ]
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(lambda i: http.get(f"/api/v1/invoices/{i}/pdf", timeout=120), many))
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {200, 503} and statuses.count(503) >= 1, statuses
    refused = next(r for r in answers if r.status_code == 503)
    assert int(refused.headers["Retry-After"]) > 0 and "retry" in refused.json()["error"]


def test_sigterm_does_not_wait_for_a_render_and_the_next_request_renders_it(tmp_path):
    first = start_server(tmp_path, env=UNLIMITED)
    with first.client() as http:
        client_id = make_client(http)["id"]
        # Several big invoices, so that renders are still queued or running when SIGTERM comes (one alone renders
        # in well under a second on a quiet machine); the download asks for the last of them.
        for _ in range(4):
            made = http.post("/api/v1/invoices", json=big_invoice(client_id, items=100, chars=990)).json()["data"]
    key = first.key()
    answer: list[object] = []

    def download() -> None:
        try:
            answer.append(
                httpx.get(
                    f"{first.url}/api/v1/invoices/{made['id']}/pdf",
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=60,
                ).status_code
            )
        except httpx.TransportError as exc:
            answer.append(exc)

    downloading = threading.Thread(target=download)
    downloading.start()
    time.sleep(0.2)
    stopped = time.perf_counter()
    assert first.stop(signal.SIGTERM) == 0
    took = time.perf_counter() - stopped
    downloading.join()
    assert took < 2.5, f"SIGTERM took {took:.1f} s"
    assert answer and answer[0] != 200, answer  # abandoned: 503, or the connection closed
    second = start_server(tmp_path, env=UNLIMITED, db=first.db)
    try:
        with second.client(key=key) as http:
            pdf = http.get(f"/api/v1/invoices/{made['id']}/pdf", timeout=120)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    finally:
        second.stop()
