"""A real ``cleverinvo serve`` process on a free loopback port, keys made by the real CLI, the seed's bodies."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import new_database

CLI = str(Path(sys.executable).parent / "cleverinvo")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(db: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLEVERINVO_DB": db}
    result = subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"cleverinvo {' '.join(args)} failed: {result.stderr}")
    return result


SELLER_NAME = "Zoë Ørsted Design"

# Tests make an account with a key, and name its seller (an invoice is not sent without), for nearly every test:
# one process per server does it through the library for all of them, as ``cleverinvo keys create`` does (the
# CLI's own tests run the command itself). It holds its own database, as the library holds one per process.
_KEY_MAKER = """
import sys
import cleverinvo.core
ci = cleverinvo.core.open(sys.argv[1])
for account in map(str.strip, sys.stdin):
    made = cleverinvo.core.Books(ci.accounts.get_or_create(account), actor="cli").keys.create("tests")
    ci.books(account).settings.update({"sellerName": sys.argv[2]})
    print(made.key, flush=True)
"""


class KeyMaker:
    """A process that makes a key (and names the seller) of each account it is sent, on ``db``."""

    def __init__(self, db: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _KEY_MAKER, db, SELLER_NAME],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "CLEVERINVO_DB": db},
        )

    def key(self, account: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(account + "\n")
        self.process.stdin.flush()
        key = self.process.stdout.readline().strip()
        if not key:
            raise AssertionError(f"no key was made for {account!r} (exit status {self.process.poll()})")
        return key

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@dataclass
class Server:
    db: str
    log: Path
    process: subprocess.Popen[bytes]
    url: str
    keys: dict[str, str] = field(default_factory=dict)
    maker: KeyMaker | None = None

    def key(self, account: str = "default") -> str:
        """A key of ``account`` (the account is made if new, its seller named)."""
        if account not in self.keys:
            self.maker = self.maker or KeyMaker(self.db)
            self.keys[account] = self.maker.key(account)
        return self.keys[account]

    def client(self, account: str = "default", key: str | None = None) -> httpx.Client:
        token = key or self.key(account)
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def log_line(self, wanted: Callable[[str], bool], timeout: float = 10.0) -> str:
        """The first line of the log that is ``wanted``, waiting for it: the access log's line for a request is
        written after its response was sent, so a test that reads the log at once can come before it."""
        deadline = time.monotonic() + timeout
        while True:
            found = next((line for line in self.log.read_text().splitlines() if wanted(line)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no such line in the server's log after {timeout} s")
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.maker is not None:
            self.maker.close()
            self.maker = None
        self.process.send_signal(sig)
        return self.process.wait(timeout=30)


def start_server(tmp: Path, *args: str, env: dict[str, str] | None = None, db: str | None = None) -> Server:
    """``cleverinvo serve`` on a free port over a new database (or ``db``), once it answers /healthz."""
    db = db or new_database(tmp, "api.db")
    log, port = tmp / f"server-{time.monotonic_ns()}.log", free_port()
    run_cli(db, "keys", "list")  # creates or migrates the database once, up front
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db, *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            # one render process per server: the suite runs many servers at once on few CPUs (serve's own default,
            # one per CPU, is tested in tests/server/test_workers.py)
            env={**os.environ, "CLEVERINVO_RENDER_PROCESSES": "1", **(env or {})},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Server(db=db, log=log, process=process, url=url)
        except httpx.TransportError:
            time.sleep(0.1)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()}")


# The seed's example bodies, byte for byte as documented (only the client id is filled in).
SEED_CLIENT = """{
"name": "Acme Corp",
"email": "billing@acme.example",
"address": "123 Main St, New York, NY 10001",
"taxId": "US-123456789",
"phone": "+1-555-0100",
"notes": "Net 30 terms"
}"""
SEED_INVOICE = """{
"clientId": "%s",
"invoiceNumber": "INV-0042",
"currency": "USD",
"issueDate": "2024-06-01",
"dueDate": "2024-07-01",
"lineItems": [
{
"description": "Web Development",
"quantity": 40,
"unitPrice": 125.00,
"taxRate": 10
}
],
"notes": "Thank you for your business",
"terms": "Payment due within 30 days"
}"""
SEED_UPDATE = """{
"dueDate": "2024-07-15",
"lineItems": [
{
"description": "Web Development",
"quantity": 50,
"unitPrice": 125.00,
"taxRate": 10
}
],
"notes": "Updated scope"
}"""
JSON = {"Content-Type": "application/json"}


def make_client(http: httpx.Client, name: str = "Acme Corp") -> dict:
    response = http.post("/api/v1/clients", json={"name": name, "email": "billing@acme.example"})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def _make(http: httpx.Client, collection: str, client_id: str, **fields: object) -> dict:
    body = {"clientId": client_id, "lineItems": [{"description": "Work", "quantity": 2, "unitPrice": 50}], **fields}
    response = http.post(f"/api/v1/{collection}", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def make_invoice(http: httpx.Client, client_id: str, **fields: object) -> dict:
    return _make(http, "invoices", client_id, **fields)


def make_quote(http: httpx.Client, client_id: str, **fields: object) -> dict:
    return _make(http, "quotes", client_id, **fields)
