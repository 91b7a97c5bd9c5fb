"""Key checks that cannot be turned into a weapon, against a real server: a flood of wrong secrets is refused
with 429 before argon2 runs, and concurrent cold requests with one new key run argon2 once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.server.helpers import start_server


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def argon2_checks(log: Path, prefix: str) -> int:
    return log.read_text().count(f"argon2 check of key {prefix}:")


def test_a_wrong_secret_flood_on_one_prefix_gets_429_and_memory_stays_put(tmp_path):
    server = start_server(tmp_path)
    try:
        victim, bystander = server.key("victim"), server.key("bystander")
        with server.client(key=bystander) as http:
            assert http.get("/api/v1/clients").status_code == 200  # a key in use before the flood
        before = rss_mb(server.process.pid)

        def attack(n: int) -> httpx.Response:
            forged = victim[:12] + f"{n:03d}" + "x" * (len(victim) - 15)  # a new wrong secret every time
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {forged}"}, timeout=30) as h:
                return h.get("/api/v1/clients")

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(attack, range(300)))
        after = rss_mb(server.process.pid)
        statuses = [a.status_code for a in answers]
        assert set(statuses) <= {401, 429}
        assert statuses.count(429) >= 280, statuses
        refused = next(a for a in answers if a.status_code == 429)
        assert int(refused.headers["Retry-After"]) >= 1 and "Too many failed API key checks" in refused.json()["error"]
        assert argon2_checks(server.log, victim[:12]) <= 10 + 16  # the limit, plus the checks already under way
        print(f"RSS before the flood {before:.0f} MB, after {after:.0f} MB")
        assert after - before < 200
        with server.client(key=bystander) as http:
            assert http.get("/api/v1/clients").status_code == 200
    finally:
        server.stop()


def test_forty_concurrent_cold_requests_with_one_new_key_run_argon2_once(tmp_path):
    server = start_server(tmp_path)
    try:
        key = server.key("cold")
        barrier = threading.Barrier(40)

        def request(_: int) -> int:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
                barrier.wait()
                return http.get("/api/v1/clients").status_code

        with ThreadPoolExecutor(40) as pool:
            statuses = list(pool.map(request, range(40)))
        assert statuses == [200] * 40
        checks = argon2_checks(server.log, key[:12])
        print(f"argon2 checks for 40 concurrent cold requests: {checks}")
        assert checks == 1
    finally:
        server.stop()


def test_a_401_carries_the_bearer_challenge(api, server):
    answer = httpx.get(f"{server.url}/api/v1/clients")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
