"""PDF renders against a real ``cleverinvo serve``: they run in render processes, so one account's burst of large
invoices leaves the others' requests fast; downloads share renders and wait in a bounded queue; a stop does not
wait for a render, and the next request renders it again."""

import asyncio
import json
import multiprocessing
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

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


def burst(url: str, key: str, body: dict, count: int) -> list[tuple[int, str]]:
    """``count`` creates of ``body`` at once (run in a process of its own); their statuses and bodies."""
    content = json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    async def all_at_once() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=count)
        async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as http:
            return await asyncio.gather(*(http.post("/api/v1/invoices", content=content) for _ in range(count)))

    return [(r.status_code, r.text) for r in asyncio.run(all_at_once())]


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

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:  # the burst comes from another process, so the watcher's timings never wait for this one's GIL
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as other:
            answers = other.submit(burst, server.url, busy_key, big_invoice(busy_client), 60).result(timeout=300)
    finally:
        done.set()
        watcher.join()
    assert [status for status, _ in answers] == [201] * 60, answers
    assert len(latencies) >= 5 and max(latencies) < 1.0, sorted(latencies)[-5:]
    with server.client(key=busy_key) as http:  # their PDFs come whether rendered already or now
        pdf = http.get(f"/api/v1/invoices/{json.loads(answers[-1][1])['data']['id']}/pdf", timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "Traceback" not in server.log.read_text()


def test_downloads_share_a_render_and_a_full_queue_answers_503_with_retry_after(server):
    with server.client() as http:
        client_id = make_client(http)["id"]
        one = http.post("/api/v1/invoices", json=big_invoice(client_id, items=20)).json()["data"]["id"]
        with ThreadPoolExecutor(max_workers=6) as pool:
            same = list(pool.map(lambda _: http.get(f"/api/v1/invoices/{one}/pdf", timeout=120), range(6)))
        assert {r.status_code for r in same} == {200} and len({r.content for r in same}) == 1
        # Invoices long enough that the one render process is still busy with the renders their creation queued
        # when the 24 downloads come: more than the 8 an account may wait for are unrendered (renders of 40 short
        # lines caught up with the creates on a quiet machine, and every download was a 200).
        heavy = big_invoice(client_id, items=100, chars=990)
        many = [http.post("/api/v1/invoices", json=heavy).json()["data"]["id"] for _ in range(24)]
        with ThreadPoolExecutor(max_workers=24) as pool:
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
    assert downloading.is_alive(), answer  # the download waits for renders: the stop comes while they run
    stopped = time.perf_counter()
    assert first.stop(signal.SIGTERM) == 0
    took = time.perf_counter() - stopped
    downloading.join()
    assert answer and answer[0] != 200, answer  # abandoned: 503, or the connection closed
    second = start_server(tmp_path, env=UNLIMITED, db=first.db)
    try:
        with second.client(key=key) as http:  # a change, then the download: one whole render of the new version
            rendering = time.perf_counter()
            assert http.patch(f"/api/v1/invoices/{made['id']}", json={"notes": "again"}).status_code == 200
            pdf = http.get(f"/api/v1/invoices/{made['id']}/pdf", timeout=120)
            render = time.perf_counter() - rendering
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    finally:
        stopping = time.perf_counter()
        assert second.stop(signal.SIGTERM) == 0
        idle_stop = time.perf_counter() - stopping
    # Measured in this run, so that a loaded machine slows both sides alike: the stop with four renders to do took
    # less than an idle stop and two renders would (waiting for the queue would take four).
    assert took < idle_stop + 2 * render, f"SIGTERM took {took:.1f} s; idle {idle_stop:.1f} s, a render {render:.1f} s"


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while being read
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_render_processes_end_when_their_server_is_killed(tmp_path):
    server = start_server(tmp_path, env={**UNLIMITED, "CLEVERINVO_RENDER_PROCESSES": "2"})
    with server.client() as http:  # a render done, so that the workers are surely up
        invoice = http.post("/api/v1/invoices", json=big_invoice(make_client(http)["id"], items=1)).json()["data"]
        assert http.get(f"/api/v1/invoices/{invoice['id']}/pdf").status_code == 200
    renderers = children(server.process.pid)
    assert len(renderers) >= 2, renderers  # the two render workers (and perhaps multiprocessing's tracker)
    server.process.kill()
    server.process.wait()
    deadline = time.monotonic() + 10
    while (alive := {pid for pid in renderers if Path(f"/proc/{pid}").exists()}) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive, f"render processes outlived their server: {alive}"
