"""Faults as clear answers against a real server: a database locked beyond the wait is a 503 with Retry-After and
a message saying so, logged once with its cause; and a POST in flight when the server is SIGKILLed can be retried
with its Idempotency-Key at once after a restart (the claim's owner is gone)."""

import contextlib
import json
import signal
import sqlite3
import threading
import time

import httpx
import pytest

import cleverinvo.core
from cleverinvo.core.storage import models
from tests.server.helpers import JSON, make_client, start_server


@pytest.mark.sqlite_only
def test_a_locked_database_is_503_with_retry_after(tmp_path):
    server = start_server(tmp_path)
    try:
        http = server.client()
        assert http.get("/api/v1/clients").status_code == 200
        holder = sqlite3.connect(server.db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer that holds the lock beyond the server's 10 s wait
        try:
            answer = http.post("/api/v1/clients", json={"name": "Waits"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "1"
        assert answer.json()["error"].startswith("The database is busy (locked by another writer)")
        assert http.get("/api/v1/clients").json()["total"] == 0
        assert http.post("/api/v1/clients", json={"name": "Later"}).status_code == 201
        log = server.log.read_text()
        assert log.count("database is locked") == 1 and "Traceback" not in log
    finally:
        server.stop()


def test_a_post_in_flight_at_sigkill_is_processed_on_retry_within_seconds(tmp_path):
    server = start_server(tmp_path)
    key = server.key()
    with server.client(key=key) as http:
        client_id = make_client(http)["id"]
    # the largest invoice the print caps allow: 1,000 items of two printed lines each
    lines = [{"description": f"Line {n}\n" + "detail " * 8, "quantity": 1, "unitPrice": 1} for n in range(1000)]
    body = json.dumps({"clientId": client_id, "lineItems": lines})
    headers = {**JSON, "Authorization": f"Bearer {key}", "Idempotency-Key": "crash-1"}

    def post(url: str) -> httpx.Response:
        return httpx.post(f"{url}/api/v1/invoices", content=body, headers=headers, timeout=60)

    def doomed() -> None:
        with contextlib.suppress(httpx.TransportError):
            post(server.url)

    threading.Thread(target=doomed, daemon=True).start()
    observer = cleverinvo.core.open(server.db)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the claim is committed, the invoice not yet
            claim = models.IdempotencyRecord.get_or_none(models.IdempotencyRecord.key == "crash-1")
            if claim is not None:
                break
            time.sleep(0.005)
        assert claim is not None and claim.status is None
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        assert models.IdempotencyRecord.get(models.IdempotencyRecord.key == "crash-1").status is None
    finally:
        observer.close()
    restarted = start_server(tmp_path, db=server.db)
    try:
        started = time.monotonic()
        retry = post(restarted.url)
        assert retry.status_code == 201, retry.text
        assert time.monotonic() - started < 10
        assert "Idempotent-Replayed" not in retry.headers
        again = post(restarted.url)
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        with restarted.client(key=key) as http:
            assert http.get("/api/v1/invoices").json()["total"] == 1
    finally:
        restarted.stop()
