"""Soak: mixed traffic against a real ``cleverinvo serve`` for a given time, then proof that nothing went wrong.

    python bench/soak.py --seconds 60                  # CI's length; starts its own server on 127.0.0.1
    python bench/soak.py --seconds 600 --workers 2     # ten minutes against two uvicorn workers

Each of ``--concurrency`` tasks owns the clients and invoices it creates, so it knows exactly what each should
look like: it creates, updates and archives clients, creates, updates, sends, pays, deletes and downloads
invoices (some creations with an Idempotency-Key, retried), lists and searches, and sends deliberately bad
requests (malformed or invalid bodies, changes to sent invoices, over-payments, taken numbers, unknown ids, bad
query strings, missing or wrong keys). After a refused change it reads the object back at once.

At the end every client and invoice is read back: the account must hold exactly what the 2xx answers said (every
201 readable with the same content, nothing a refused request touched), invoice numbers must be gapless, and
nothing may have answered 5xx. Exits 1 on any failure, printing what failed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import simplejson

from bench._common import HIGH_RATE_LIMIT
from tests.server.helpers import start_server

CENT = Decimal("0.01")
JSON_TYPE = {"Content-Type": "application/json"}


@dataclass
class SoakResult:
    seconds: float = 0.0
    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)  # of the traffic
    verify_status: Counter[int] = field(default_factory=Counter)  # of the reads that verify it afterwards
    server_errors: list[str] = field(default_factory=list)  # 5xx and transport failures
    lost_writes: list[str] = field(default_factory=list)  # a 2xx not readable as answered, or a refusal that changed
    unexpected: list[str] = field(default_factory=list)  # wrong status for a request, or a wrong error shape
    created: Counter[str] = field(default_factory=Counter)
    verified: Counter[str] = field(default_factory=Counter)

    @property
    def five_xx(self) -> int:
        return sum(n for status, n in (self.by_status + self.verify_status).items() if status >= 500)

    @property
    def passed(self) -> bool:
        return not (self.server_errors or self.lost_writes or self.unexpected or self.five_xx)

    def summary(self) -> str:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.by_status.items()))
        lines = [
            f"soak {'PASSED' if self.passed else 'FAILED'}: {self.requests} requests in {self.seconds:.0f} s "
            f"({self.requests / max(self.seconds, 1e-9):.1f} rps)",
            f"  by status: {statuses}",
            f"  verification afterwards: {sum(self.verify_status.values())} requests, by status "
            + ", ".join(f"{s}: {n}" for s, n in sorted(self.verify_status.items())),
            f"  5xx: {self.five_xx}; transport failures and 5xx details: {len(self.server_errors)}",
            f"  lost writes: {len(self.lost_writes)}; unexpected answers: {len(self.unexpected)}",
            f"  created: {dict(self.created)}",
            f"  verified at the end: {dict(self.verified)}",
        ]
        for title, items in (
            ("server errors", self.server_errors),
            ("lost writes", self.lost_writes),
            ("unexpected", self.unexpected),
        ):
            lines += [f"  {title}:"] + [f"    {item}" for item in items[:20]] if items else []
        return "\n".join(lines)


def dumps(body: Any) -> str:
    return simplejson.dumps(body, use_decimal=True)


def without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


class Session:
    """One soak run: a shared HTTP client, the result, and the per-task ledgers."""

    def __init__(self, http: httpx.AsyncClient, result: SoakResult, deadline: float) -> None:
        self.http = http
        self.result = result
        self.deadline = deadline
        self.numbers: list[str] = []  # every invoice number a 201 create answered
        self.deleted_numbers: list[str] = []

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        raw: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        expect: int | tuple[int, ...] | None = None,
    ) -> httpx.Response | None:
        """One request. ``expect`` is the status (or statuses) the request must get; a 5xx is always a failure."""
        content = raw if raw is not None else (dumps(body) if body is not None else None)
        sent_headers = {**(JSON_TYPE if content is not None else {}), **(headers or {})}
        self.result.requests += 1
        try:
            response = await self.http.request(method, path, content=content, headers=sent_headers)
        except httpx.TransportError as exc:
            self.result.server_errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            return None
        status = response.status_code
        self.result.by_status[status] += 1
        if status >= 500:
            self.result.server_errors.append(f"{method} {path} {content!r:.200} → {status} {response.text[:200]}")
            return None
        wanted = (expect,) if isinstance(expect, int) else expect
        if wanted is not None and status not in wanted:
            self.result.unexpected.append(
                f"{method} {path} {content!r:.200} → {status} (wanted {wanted}) {response.text[:200]}"
            )
        if status >= 400:
            try:
                payload = response.json()
            except ValueError:
                payload = None
            if not (isinstance(payload, dict) and list(payload) == ["error"] and isinstance(payload["error"], str)):
                self.result.unexpected.append(f"{method} {path} → {status}: error body not {{'error': str}}: {payload}")
        return response


@dataclass
class Ledger:
    """What one task knows it owns, as the server last answered it."""

    clients: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)


def data_of(response: httpx.Response | None) -> dict[str, Any] | None:
    if response is None or response.status_code >= 300:
        return None
    return response.json(parse_float=Decimal)["data"]


class Task:
    def __init__(self, session: Session, index: int, seed: int) -> None:
        self.s = session
        self.index = index
        self.rng = random.Random(seed)
        self.ledger = Ledger()
        self.made = 0

    # helpers ------------------------------------------------------------------------------------------------------

    def lost(self, what: str) -> None:
        self.s.result.lost_writes.append(what)

    def active_clients(self) -> list[str]:
        return [cid for cid, c in self.ledger.clients.items() if c["isActive"]]

    def invoices_where(self, predicate: Callable[[dict[str, Any]], bool]) -> list[str]:
        return [iid for iid, inv in self.ledger.invoices.items() if predicate(inv)]

    def line(self) -> dict[str, Any]:
        return {
            "description": self.rng.choice(["Design", "Développement", "Zoë Ørsted – Łódź", "Hosting"]),
            "quantity": self.rng.choice([1, 2, 3, Decimal("1.5"), Decimal("0.25")]),
            "unitPrice": Decimal(self.rng.randint(0, 500_000)) / 100,
            "taxRate": self.rng.choice([0, 7, 19, 20, Decimal("5.5")]),
            "discountRate": self.rng.choice([0, 0, 10]),
        }

    async def check_invoice(self, invoice_id: str, why: str) -> None:
        """Read an invoice back and compare it with what the ledger says it is."""
        response = await self.s.call("GET", f"/api/v1/invoices/{invoice_id}", expect=200)
        got = data_of(response)
        want = self.ledger.invoices[invoice_id]
        if got is None or without(got, "client") != without(want, "client"):
            self.lost(f"invoice {want['invoiceNumber']} after {why}: expected {want!r:.300}, read {got!r:.300}")

    async def check_client(self, client_id: str, why: str) -> None:
        got = data_of(await self.s.call("GET", f"/api/v1/clients/{client_id}", expect=200))
        if got != self.ledger.clients[client_id]:
            self.lost(f"client {client_id} after {why}: expected {self.ledger.clients[client_id]}, read {got}")

    # writes -------------------------------------------------------------------------------------------------------

    async def create_client(self) -> None:
        self.made += 1
        body = {"name": f"Soak Zoë {self.index}-{self.made}", "notes": f"task {self.index}"}
        if self.rng.random() < 0.7:
            body["email"] = f"soak{self.index}.{self.made}@example.com"
        got = data_of(await self.s.call("POST", "/api/v1/clients", body, expect=201))
        if got is not None:
            if any(got.get(k) != v for k, v in body.items()):
                self.s.result.unexpected.append(f"client created from {body} answered {got}")
            self.ledger.clients[got["id"]] = got
            self.s.result.created["clients"] += 1

    async def update_client(self) -> None:
        if not self.ledger.clients:
            return
        cid = self.rng.choice(list(self.ledger.clients))
        body = self.rng.choice([{"phone": f"+1-555-{self.rng.randint(1000, 9999)}"}, {"notes": "updated"}])
        got = data_of(await self.s.call("PATCH", f"/api/v1/clients/{cid}", body, expect=200))
        if got is not None:
            self.ledger.clients[cid] = got

    async def archive_client(self) -> None:
        active = self.active_clients()
        if len(active) < 3:
            return
        cid = self.rng.choice(active)
        response = await self.s.call("DELETE", f"/api/v1/clients/{cid}", expect=204)
        if response is not None and response.status_code == 204:
            got = data_of(await self.s.call("GET", f"/api/v1/clients/{cid}", expect=200))
            if (
                got is None
                or got["isActive"] is not False
                or without(got, "isActive", "updatedAt") != without(self.ledger.clients[cid], "isActive", "updatedAt")
            ):
                self.lost(f"client {cid} archived but reads {got}")
            else:
                self.ledger.clients[cid] = got

    async def create_invoice(self) -> None:
        active = self.active_clients()
        if not active:
            return
        body = {
            "clientId": self.rng.choice(active),
            "lineItems": [self.line() for _ in range(self.rng.randint(1, 4))],
            "notes": self.rng.choice([None, "Merci", "Thank you"]),
        }
        key = f"soak-{self.index}-{self.made}-{self.rng.random()}" if self.rng.random() < 0.1 else None
        headers = {"Idempotency-Key": key} if key else None
        response = await self.s.call("POST", "/api/v1/invoices", body, headers=headers, expect=201)
        got = data_of(response)
        if got is None:
            return
        if key:
            again = await self.s.call("POST", "/api/v1/invoices", body, headers=headers, expect=201)
            if again is not None and (again.content != response.content or "Idempotent-Replayed" not in again.headers):
                self.s.result.unexpected.append(f"idempotent retry of {got['invoiceNumber']} was not a replay")
        self.ledger.invoices[got["id"]] = got
        self.s.numbers.append(got["invoiceNumber"])
        self.s.result.created["invoices"] += 1

    async def update_invoice(self) -> None:
        drafts = self.invoices_where(lambda i: i["status"] == "DRAFT")
        if not drafts:
            return
        iid = self.rng.choice(drafts)
        body = self.rng.choice([{"notes": f"rev {self.rng.randint(1, 99)}"}, {"lineItems": [self.line()]}])
        got = data_of(await self.s.call("PATCH", f"/api/v1/invoices/{iid}", body, expect=200))
        if got is not None:
            self.ledger.invoices[iid] = got

    async def send_invoice(self) -> None:
        drafts = self.invoices_where(lambda i: i["status"] == "DRAFT")
        if not drafts:
            return
        iid = self.rng.choice(drafts)
        got = data_of(await self.s.call("POST", f"/api/v1/invoices/{iid}/send", {}, expect=200))
        if got is not None:
            self.ledger.invoices[iid] = got

    async def pay(self) -> None:
        owed = self.invoices_where(lambda i: i["status"] in ("SENT", "PARTIALLY_PAID") and i["amountDue"] > 0)
        if not owed:
            return
        iid = self.rng.choice(owed)
        due = Decimal(self.ledger.invoices[iid]["amountDue"])
        amount = due if self.rng.random() < 0.5 else max(CENT, (due / 2).quantize(CENT, ROUND_DOWN))
        if amount > due:
            return
        before = self.ledger.invoices[iid]
        got = data_of(await self.s.call("POST", f"/api/v1/invoices/{iid}/payments", {"amount": amount}, expect=201))
        if got is None:
            return
        after = data_of(await self.s.call("GET", f"/api/v1/invoices/{iid}", expect=200))
        if (
            after is None
            or after["amountPaid"] != before["amountPaid"] + amount
            or got["id"] not in {p["id"] for p in after["payments"]}
        ):
            self.lost(f"payment {amount} on {before['invoiceNumber']} not reflected: {after!r:.300}")
            return
        self.ledger.invoices[iid] = after
        self.s.result.created["payments"] += 1

    async def delete_invoice(self) -> None:
        if len(self.ledger.invoices) < 5:
            return
        iid = self.rng.choice(list(self.ledger.invoices))
        if self.ledger.invoices[iid]["status"] != "DRAFT":  # issued: refused (credit notes correct it), unchanged
            await self.s.call("DELETE", f"/api/v1/invoices/{iid}", expect=409)
            return
        response = await self.s.call("DELETE", f"/api/v1/invoices/{iid}", expect=204)
        if response is not None and response.status_code == 204:
            self.s.deleted_numbers.append(self.ledger.invoices.pop(iid)["invoiceNumber"])
            self.ledger.deleted.add(iid)

    # reads --------------------------------------------------------------------------------------------------------

    async def pdf(self) -> None:
        if not self.ledger.invoices:
            return
        iid = self.rng.choice(list(self.ledger.invoices))
        response = await self.s.call("GET", f"/api/v1/invoices/{iid}/pdf", expect=200)
        if response is not None and response.status_code == 200:
            number = self.ledger.invoices[iid]["invoiceNumber"]
            if not response.content.startswith(b"%PDF") or number not in response.headers.get(
                "content-disposition", ""
            ):
                self.s.result.unexpected.append(f"PDF of {number}: {response.headers} {response.content[:20]!r}")

    async def get_invoice(self) -> None:
        if self.ledger.invoices:
            await self.check_invoice(self.rng.choice(list(self.ledger.invoices)), "a read")

    async def list_things(self) -> None:
        what = self.rng.choice(["clients", "invoices"])
        params: dict[str, Any] = {"page": self.rng.randint(1, 3), "limit": self.rng.choice([1, 20, 100])}
        if self.rng.random() < 0.4:
            params["search"] = self.rng.choice(["zoë", "soak", "INV-00", f"{self.index}-", "example.com", "%_"])
        if what == "invoices" and self.rng.random() < 0.3:
            params["status"] = self.rng.choice(["DRAFT", "SENT", "PAID", "PARTIALLY_PAID", "OVERDUE", "VIEWED"])
        if what == "invoices" and self.ledger.clients and self.rng.random() < 0.2:
            params["clientId"] = self.rng.choice(list(self.ledger.clients))
        query = str(httpx.QueryParams(params))
        response = await self.s.call("GET", f"/api/v1/{what}?{query}", expect=200)
        if response is not None and response.status_code == 200:
            page = response.json()
            if set(page) != {"data", "total", "page", "limit", "totalPages"} or len(page["data"]) > params["limit"]:
                self.s.result.unexpected.append(f"list {what}?{query}: {str(page)[:200]}")
            if "status" in params and any(i["status"] != params["status"] for i in page["data"]):
                self.s.result.unexpected.append(f"status filter {params['status']} returned other statuses")

    # deliberately bad requests ------------------------------------------------------------------------------------

    async def bad(self) -> None:
        rng, call = self.rng, self.s.call
        drafts = self.invoices_where(lambda i: i["status"] == "DRAFT")
        sent = self.invoices_where(lambda i: i["status"] != "DRAFT")
        active = self.active_clients()
        choice = rng.randrange(16)
        if choice == 0:
            await call("POST", "/api/v1/clients", raw='{"name": "broken",', expect=400)
        elif choice == 1:
            await call("POST", "/api/v1/clients", {"email": "nobody@example.com"}, expect=400)
        elif choice == 2:
            await call("POST", "/api/v1/clients", {"name": "X", "bogus": 1}, expect=400)
        elif choice == 3 and active:
            line = {**self.line(), "quantity": -1}
            await call("POST", "/api/v1/invoices", {"clientId": active[0], "lineItems": [line]}, expect=400)
        elif choice == 4 and active:
            body = {
                "clientId": active[0],
                "lineItems": [self.line()],
                "issueDate": "2026-05-02",
                "dueDate": "2026-05-01",
            }
            await call("POST", "/api/v1/invoices", body, expect=400)
        elif choice == 5:
            await call("POST", "/api/v1/invoices", {"clientId": "nope", "lineItems": [self.line()]}, expect=400)
        elif choice == 6 and sent:
            iid = rng.choice(sent)
            await call("PATCH", f"/api/v1/invoices/{iid}", {"notes": "too late"}, expect=409)
            await self.check_invoice(iid, "a refused change to a sent invoice")
        elif choice == 7 and drafts:
            iid = rng.choice(drafts)
            line = {**self.line(), "quantity": 0}
            await call("PATCH", f"/api/v1/invoices/{iid}", {"notes": "x", "lineItems": [line]}, expect=400)
            await self.check_invoice(iid, "a refused invalid update")
        elif choice == 8 and len(drafts) >= 2:
            iid, other = rng.sample(drafts, 2)
            taken = self.ledger.invoices[other]["invoiceNumber"]
            await call("PATCH", f"/api/v1/invoices/{iid}", {"notes": "n", "invoiceNumber": taken}, expect=409)
            await self.check_invoice(iid, "a refused taken number")
        elif choice == 9 and drafts:
            iid = rng.choice(drafts)
            await call("POST", f"/api/v1/invoices/{iid}/payments", {"amount": 1}, expect=409)
            await self.check_invoice(iid, "a refused payment on a draft")
        elif choice == 10 and sent:
            iid = rng.choice(sent)
            too_much = Decimal(self.ledger.invoices[iid]["amountDue"]) + 1
            await call("POST", f"/api/v1/invoices/{iid}/payments", {"amount": too_much}, expect=400)
            await self.check_invoice(iid, "a refused over-payment")
        elif choice == 11:
            query = rng.choice(["limit=1000", "page=0", "status=LOST", "page=x", "sort=name", "search=" + "s" * 300])
            await call("GET", f"/api/v1/invoices?{query}", expect=400)
        elif choice == 12:
            await call("GET", f"/api/v1/invoices/{rng.choice(['nope', 'c' * 25])}", expect=404)
        elif choice == 13:
            headers = rng.choice([{"Authorization": ""}, {"Authorization": "Bearer cinv_" + "x" * 43}])
            await call("POST", "/api/v1/clients", {"name": "intruder"}, headers=headers, expect=401)
        elif choice == 14 and self.ledger.invoices and active:
            taken = rng.choice(list(self.ledger.invoices.values()))["invoiceNumber"]
            body = {"clientId": active[0], "invoiceNumber": taken, "lineItems": [self.line()]}
            await call("POST", "/api/v1/invoices", body, expect=409)
        elif choice == 15 and self.ledger.clients:
            cid = rng.choice(list(self.ledger.clients))
            await call("PATCH", f"/api/v1/clients/{cid}", raw='{"notes": "n", "email": "not an address"}', expect=400)
            await self.check_client(cid, "a refused invalid e-mail")

    # the loop -----------------------------------------------------------------------------------------------------

    async def run(self) -> None:
        actions: list[tuple[Callable[[], Awaitable[None]], int]] = [
            (self.create_client, 6),
            (self.update_client, 3),
            (self.archive_client, 1),
            (self.create_invoice, 14),
            (self.update_invoice, 6),
            (self.send_invoice, 5),
            (self.pay, 6),
            (self.delete_invoice, 1),
            (self.pdf, 4),
            (self.get_invoice, 5),
            (self.list_things, 18),
            (self.bad, 16),
        ]
        functions, weights = zip(*actions, strict=True)
        await self.create_client()
        while time.monotonic() < self.s.deadline:
            await self.rng.choices(functions, weights)[0]()

    async def verify(self) -> None:
        for cid in self.ledger.clients:
            await self.check_client(cid, "the soak")
            self.s.result.verified["clients"] += 1
        for iid, want in self.ledger.invoices.items():
            await self.check_invoice(iid, "the soak")
            owner = self.ledger.clients.get(want["clientId"])
            got = data_of(await self.s.call("GET", f"/api/v1/invoices/{iid}", expect=200)) or {}
            if owner is None or got.get("client") != {"name": owner["name"], "email": owner["email"]}:
                self.lost(f"invoice {want['invoiceNumber']}: client {got.get('client')} is not {owner}")
            self.s.result.verified["invoices"] += 1
        for iid in self.ledger.deleted:
            await self.s.call("GET", f"/api/v1/invoices/{iid}", expect=404)


async def all_ids(session: Session, what: str) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        response = await session.call("GET", f"/api/v1/{what}?page={page}&limit=100", expect=200)
        if response is None or response.status_code != 200:
            return ids
        listed = response.json()
        ids += [item["id"] for item in listed["data"]]
        if page >= listed["totalPages"]:
            return ids
        page += 1


async def soak(url: str, key: str, seconds: float, concurrency: int, seed: int) -> SoakResult:
    result = SoakResult()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as http:
        started = time.monotonic()
        session = Session(http, result, deadline=started + seconds)
        tasks = [Task(session, i, seed * 1000 + i) for i in range(concurrency)]
        await asyncio.gather(*(t.run() for t in tasks))
        result.seconds = time.monotonic() - started
        traffic, traffic_status = result.requests, result.by_status
        result.by_status = result.verify_status
        await asyncio.gather(*(t.verify() for t in tasks))
        # The account holds exactly what the 2xx answers made: nothing more, nothing less.
        listed_clients = set(await all_ids(session, "clients"))
        active = {cid for t in tasks for cid, c in t.ledger.clients.items() if c["isActive"]}
        if listed_clients != active:
            result.lost_writes.append(
                f"listed active clients differ: {len(listed_clients - active)} unexpected, "
                f"{len(active - listed_clients)} missing"
            )
        listed_invoices = set(await all_ids(session, "invoices"))
        kept = {iid for t in tasks for iid in t.ledger.invoices}
        if listed_invoices != kept:
            result.lost_writes.append(
                f"listed invoices differ: {len(listed_invoices - kept)} unexpected, "
                f"{len(kept - listed_invoices)} missing"
            )
        numbers = sorted(set(session.numbers))  # a deleted newest draft's number is given out again
        expected = [f"INV-{n:04d}" for n in range(1, len(numbers) + 1)]
        if numbers != expected:
            result.lost_writes.append(f"invoice numbers are not gapless: {sorted(set(expected) ^ set(numbers))[:10]}")
        result.requests, result.by_status = traffic, traffic_status
    return result


def run(url: str, key: str, seconds: float = 60, concurrency: int = 8, seed: int = 1) -> SoakResult:
    """Soak the server at ``url`` (127.0.0.1) with the key of an account of its own, then verify it."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the soak only talks to 127.0.0.1")
    return asyncio.run(soak(url, key, seconds, concurrency, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent tasks (connections)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of the server")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cleverinvo-soak-") as tmp:
        server = start_server(Path(tmp), "--workers", str(args.workers), env={"CLEVERINVO_RATE_LIMIT": HIGH_RATE_LIMIT})
        try:
            result = run(server.url, server.key("soak"), args.seconds, args.concurrency, args.seed)
        finally:
            server.stop()
        print(result.summary())
        if not result.passed:
            errors = [line for line in server.log.read_text(errors="replace").splitlines() if "ERROR" in line]
            print("\n".join(["server log errors:", *errors[:20]]))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
