"""API benchmark: requests/second and p50/p99 latency of the v1 API beside two bars measured in the same run with the
same load generator, and issue 11's targets as ratios to them.

    python bench/api.py                        # 10,000 clients and 100,000 invoices, 10 s per measurement
    python bench/api.py --quick                # a smoke run for iterating: small books, 3 s per measurement
    python bench/api.py --db /tmp/books.db     # a kept database is topped up, not seeded again

Runs: ``cleverinvo serve --workers 1`` on ``GET /api/v1/clients`` (20 rows), ``GET /api/v1/invoices?limit=100`` and
``POST /api/v1/invoices`` (then: how long until every PDF of the invoices made is stored), ``--workers 2`` on
``GET /api/v1/clients`` (rate limit raised with ``CLEVERINVO_RATE_LIMIT``, an operator setting); the *ceiling*, a
bare Starlette app under uvicorn's defaults (h11, asyncio) answering the same JSON bytes from memory; the *data
limit*, a bare Starlette endpoint running the lists' own SQL (as the core prepares it) with the standard library's
sqlite3 and returning its rows as JSON. All four run at once: each gets 3 s of load on ``GET /api/v1/clients``
first (not counted: a server just started still has its render processes importing and its caches empty), then
the lists are measured in ``--rounds`` turns, each server and bar in turn, and each figure is the median of its
rounds. Absolute figures move with the machine's other load (over minutes, on a shared machine); the ratios within
one run are what count.

The load generator is ``wrk`` (Debian package) when it is on the PATH, otherwise an asyncio + httpx loop with the
same number of connections; either way it talks only to 127.0.0.1, for a fixed time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

import cleverinvo.core
from bench._common import (
    ROOT,
    copy_invoices,
    invoice_body,
    make_key,
    median,
    percentile,
    seed,
    serve,
    stop,
    table,
    wait_ready,
)
from cleverinvo.core import clock
from cleverinvo.core.storage import models
from tests.server.helpers import free_port

ACCOUNT = "bench"
BODIES_VAR = "CLEVERINVO_BENCH_BODIES"
LIBRARY_SEEDED = 2_000  # invoices made through the library; the rest are copies of them (copy_invoices)
DATA_DB_VAR = "CLEVERINVO_BENCH_DATA_DB"
DATA_SQL_VAR = "CLEVERINVO_BENCH_DATA_SQL"
WARM_UP_SECONDS = 3.0


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str


ENDPOINTS = (
    Endpoint("GET /api/v1/clients", "GET", "/api/v1/clients"),
    Endpoint("GET /api/v1/invoices?limit=100", "GET", "/api/v1/invoices?limit=100"),
    Endpoint("POST /api/v1/invoices", "POST", "/api/v1/invoices"),
)


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # responses that were not what the endpoint should answer (non-2xx), and socket errors
    detail: str = ""
    statuses: Counter[int] = field(default_factory=Counter)


# The bars: a bare Starlette app (the ceiling) and a bare endpoint over the same SQL (the data limit) ------------


def ceiling_app() -> Any:
    """The ceiling: a bare Starlette app answering the bodies the real server gave, from memory (``--factory``)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    bodies = {k: v.encode() for k, v in json.loads(Path(os.environ[BODIES_VAR]).read_text()).items()}

    async def health(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    async def clients(request: Request) -> Response:
        return Response(bodies["clients"], media_type="application/json")

    async def invoices(request: Request) -> Response:
        return Response(bodies["invoices"], media_type="application/json")

    async def create(request: Request) -> Response:
        await request.body()
        return Response(bodies["created"], status_code=201, media_type="application/json")

    return Starlette(
        routes=[
            Route("/healthz", health),
            Route("/api/v1/clients", clients),
            Route("/api/v1/invoices", invoices, methods=["GET"]),
            Route("/api/v1/invoices", create, methods=["POST"]),
        ]
    )


def data_statements(db: str, account_id: str) -> dict[str, tuple[str, list[Any]]]:
    """The SQL the product's lists run, as the core prepares it (the same text, so the bar reads what the product
    reads: the same columns, the same derived status), with the bench account's values. The totals are left out:
    the bar is the rows themselves."""
    from cleverinvo.core.billing.invoices import _NEWEST as INVOICES_PAGE
    from cleverinvo.core.clients import _NEWEST as CLIENTS_PAGES

    ci = cleverinvo.core.open(db)
    try:
        taken = {
            "clients": CLIENTS_PAGES[True].statement(account=account_id, limit=20, offset=0),
            "invoices": INVOICES_PAGE.statement(account=account_id, today=clock.today(), limit=100, offset=0),
        }
    finally:
        ci.close()
    plain = {dt.date: dt.date.isoformat, bool: int}
    return {name: (sql, [plain.get(type(p), lambda v: v)(p) for p in params]) for name, (sql, params) in taken.items()}


def data_limit_app() -> Any:
    """The data limit: a bare Starlette endpoint per list running the product's SQL with the standard library's
    sqlite3 on the event loop (one connection, no threads) and returning the rows as JSON (``uvicorn --factory``)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    conn = sqlite3.connect(os.environ[DATA_DB_VAR], check_same_thread=False)
    statements = json.loads(os.environ[DATA_SQL_VAR])

    def rows_as_json(name: str) -> Response:
        sql, params = statements[name]
        cursor = conn.execute(sql, params)
        columns: list[str] = []
        for column, *_ in cursor.description:  # a joined table's column named as one before it gets a prefix
            columns.append(f"client_{column}" if column in columns else column)
        data = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return Response(json.dumps({"data": data, "total": len(data)}), media_type="application/json")

    async def health(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    async def clients(request: Request) -> Response:
        return rows_as_json("clients")

    async def invoices(request: Request) -> Response:
        return rows_as_json("invoices")

    return Starlette(
        routes=[
            Route("/healthz", health),
            Route("/api/v1/clients", clients),
            Route("/api/v1/invoices", invoices, methods=["GET"]),
        ]
    )


def start_bare(app: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``uvicorn.run`` of a bare app with uvicorn's defaults spelt out (h11, asyncio): a faster parser adopted by the
    product raises our figure, not the bar."""
    port = free_port()
    code = (
        "import uvicorn; uvicorn.run("
        f"{app!r}, factory=True, host='127.0.0.1', port={port}, http='h11', loop='asyncio',"
        " access_log=False, server_header=False, log_level='warning')"
    )
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=sink,
            stderr=sink,
        )
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process, log)
    return process, url


# Load generators ------------------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def run_wrk(url: str, endpoint: Endpoint, key: str, body: str, seconds: float, connections: int, tmp: Path) -> Result:
    script = tmp / "request.lua"
    script.write_text(
        f"wrk.method = {json.dumps(endpoint.method)}\n"
        + (f"wrk.body = {json.dumps(body)}\n" if endpoint.method == "POST" else "")
        + 'wrk.headers["Content-Type"] = "application/json"\n'
        + f'wrk.headers["Authorization"] = "Bearer {key}"\n'
    )
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "60s",
        "--latency",
        "-s",
        str(script),
        url + endpoint.path,
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(int(g) for g in errors.groups()) if errors else 0)
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        p99_ms=_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        requests=requests,
        bad=bad,
        detail=(non_2xx.group(0) + " " if non_2xx else "") + (errors.group(0) if errors else ""),
    )


async def _python_load(url: str, endpoint: Endpoint, key: str, body: str, seconds: float, connections: int) -> Result:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as http:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await http.request(endpoint.method, endpoint.path, content=body or None)
                    statuses[response.status_code] += 1
                except httpx.TransportError:
                    statuses[0] += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    good = sum(n for s, n in statuses.items() if 200 <= s < 300)
    return Result(
        rps=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        requests=len(latencies),
        bad=len(latencies) - good,
        statuses=statuses,
    )


def measure(
    generator: str, url: str, endpoint: Endpoint, key: str, body: str, seconds: float, connections: int, tmp: Path
) -> Result:
    if generator == "wrk":
        return run_wrk(url, endpoint, key, body, seconds, connections, tmp)
    return asyncio.run(_python_load(url, endpoint, key, body, seconds, connections))


# The run ---------------------------------------------------------------------------------------------------------


def prepare(db: str, clients: int, invoices: int) -> tuple[str, str]:
    """Seed (or top up) the bench account; returns a key of it made by the CLI and one of its client ids."""
    ci = cleverinvo.core.open(db)
    try:
        books = ci.books(ACCOUNT) if any(a.name == ACCOUNT for a in ci.accounts.list()) else None
        if books is None:
            ci.accounts.create(ACCOUNT)
            books = ci.books(ACCOUNT)
        client_ids = [
            c.id
            for c in models.Client.select(models.Client.id)
            .where(models.Client.account == books.account_id)
            .order_by(models.Client.created_at, models.Client.id)
        ]
        already = models.Invoice.select().where(models.Invoice.account == books.account_id).count()
        if already < invoices or len(client_ids) < clients:
            started = time.perf_counter()
            print(f"Seeding {clients:,} clients and {invoices:,} invoices (have {already:,})…")
            through_library = min(invoices, max(already, LIBRARY_SEEDED))
            seed(books, clients, through_library, client_ids, already, progress=print)
            copy_invoices(books, invoices, client_ids, progress=print)
            print(f"  seeded in {time.perf_counter() - started:.0f} s")
        client_id = client_ids[len(client_ids) // 2]
    finally:
        ci.close()
    return make_key(db, ACCOUNT), client_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement (default 10)")
    parser.add_argument("--rounds", type=int, default=5, help="turns the list measurements are taken in (default 5)")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--db", help="a SQLite path to seed and keep (default: a temporary file)")
    parser.add_argument("--generator", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--quick", action="store_true", help="500 clients, 5,000 invoices, 3 s per measurement")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.invoices, args.duration = 500, 5_000, 3.0
    with tempfile.TemporaryDirectory(prefix="cleverinvo-apibench-") as tmp_name:
        return run(args, Path(tmp_name))


def pdfs_missing(db: str, since: dt.datetime) -> int:
    """Invoices created since ``since`` whose PDF of their current version is not stored (yet)."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT COUNT(*) FROM invoice i LEFT JOIN invoice_pdf p ON p.invoice_id = i.id AND p.version = i.version"
            " WHERE i.created_at >= ? AND p.invoice_id IS NULL",
            (since.isoformat(" "),),
        ).fetchone()[0]
    finally:
        conn.close()


def wait_for_pdfs(db: str, since: dt.datetime, limit: float = 60.0) -> tuple[float, int]:
    """Seconds until every invoice created since ``since`` has its PDF stored, and how many lack it at the end."""
    started = time.perf_counter()
    while True:
        missing = pdfs_missing(db, since)
        waited = time.perf_counter() - started
        if missing == 0 or waited > limit:
            return waited, missing
        time.sleep(0.25)


def combined(rounds: list[Result]) -> Result:
    """The rounds of one measurement as one: the median rate and latencies, every request and failure counted."""
    return Result(
        rps=median([r.rps for r in rounds]),
        p50_ms=median([r.p50_ms for r in rounds]),
        p99_ms=median([r.p99_ms for r in rounds]),
        requests=sum(r.requests for r in rounds),
        bad=sum(r.bad for r in rounds),
        detail=" ".join(r.detail for r in rounds if r.detail),
    )


def run(args: argparse.Namespace, tmp: Path) -> int:
    db = args.db or str(tmp / "api.db")
    key, client_id = prepare(db, args.clients, args.invoices)
    body = json.dumps(invoice_body(client_id, 0), default=float)
    print(
        f"Load: {args.generator}, {args.concurrency} connections, {args.duration:g} s per measurement in"
        f" {args.rounds} rounds taken in turn, 127.0.0.1 only; {os.cpu_count()} CPUs shared by the load generator"
        " and the servers"
    )
    rounds: dict[tuple[str, str], list[Result]] = {}
    bodies = tmp / "bodies.json"
    log = tmp / "server.log"

    def measure_into(who: str, url: str, endpoint: Endpoint, seconds: float) -> Result:
        result = measure(args.generator, url, endpoint, key, body, seconds, args.concurrency, tmp)
        rounds.setdefault((who, endpoint.name), []).append(result)
        print(f"  {who:<10} {endpoint.name}: {result.rps:.0f} rps, p99 {result.p99_ms:.1f} ms {result.detail}")
        return result

    account_id = cleverinvo.core.open(db).books(ACCOUNT).account_id
    servers = {"server 1w": serve(db, log, workers=1), "server 2w": serve(db, log, workers=2)}
    bars: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    try:
        with httpx.Client(base_url=servers["server 1w"].url, headers={"Authorization": f"Bearer {key}"}) as http:
            created = http.post("/api/v1/invoices", content=body, headers={"Content-Type": "application/json"})
            bodies.write_text(
                json.dumps(
                    {
                        "clients": http.get("/api/v1/clients").text,
                        "invoices": http.get("/api/v1/invoices?limit=100", timeout=60).text,
                        "created": created.text,
                    }
                )
            )
        bars["ceiling"] = start_bare("bench.api:ceiling_app", {BODIES_VAR: str(bodies)}, log)
        statements = json.dumps(data_statements(db, account_id))
        bars["data limit"] = start_bare("bench.api:data_limit_app", {DATA_DB_VAR: db, DATA_SQL_VAR: statements}, log)
        urls = {who: server.url for who, server in servers.items()} | {who: url for who, (_, url) in bars.items()}
        # Every server is started and warmed first, then the lists are measured in turns (each a share of the
        # duration), so that the machine's speed, which drifts over minutes, weighs on the servers and their bars
        # alike.
        for url in urls.values():
            measure(args.generator, url, ENDPOINTS[0], key, body, WARM_UP_SECONDS, args.concurrency, tmp)
        reads = [
            (who, endpoint)
            for endpoint in ENDPOINTS[:2]
            for who in urls
            if who != "server 2w" or endpoint is ENDPOINTS[0]
        ]
        for _ in range(args.rounds):
            for who, endpoint in reads:
                measure_into(who, urls[who], endpoint, args.duration / args.rounds)
        since = clock.now()
        measure_into("server 1w", urls["server 1w"], ENDPOINTS[2], args.duration)
        pdf_wait = wait_for_pdfs(db, since)
        print(f"  every PDF stored {pdf_wait[0]:.1f} s after the load stopped ({pdf_wait[1]} missing)")
        measure_into("ceiling", urls["ceiling"], ENDPOINTS[2], args.duration)
    finally:
        for server in servers.values():
            stop(server.process)
        for process, _url in bars.values():
            stop(process)
    results = {measured: combined(taken) for measured, taken in rounds.items()}
    report(results, args, pdf_wait)
    bad = sum(r.bad for (who, _), r in results.items() if who.startswith("server"))
    if bad:
        print(f"\nWARNING: {bad} server responses were not 2xx (or failed); see {log} while the bench runs")
    return 1 if bad else 0


def report(results: dict[tuple[str, str], Result], args: argparse.Namespace, pdf_wait: tuple[float, int]) -> None:
    print(
        f"\nCleverInvo API with {args.clients:,} clients and {args.invoices:,} invoices: requests/s, p50 and p99 in ms,"
        f" {args.concurrency} connections;\nceiling = a bare Starlette app under uvicorn's defaults (h11, asyncio)"
        " answering the same JSON from memory;\ndata limit = a bare Starlette endpoint running the list's SQL with the"
        " standard library's sqlite3 and returning its rows as JSON"
    )
    rows = []
    for endpoint in ENDPOINTS:
        ceiling = results[("ceiling", endpoint.name)]
        data = results.get(("data limit", endpoint.name))
        for who in ("server 1w", "server 2w", "ceiling", "data limit"):
            r = results.get((who, endpoint.name))
            if r is None:
                continue
            server = who.startswith("server")
            rows.append(
                [
                    endpoint.name,
                    who,
                    f"{r.rps:.0f}",
                    f"{r.p50_ms:.1f}",
                    f"{r.p99_ms:.1f}",
                    f"{r.rps / ceiling.rps:.3f}" if server else "-",
                    f"{r.rps / data.rps:.3f}" if server and data else "-",
                    r.bad,
                ]
            )
    headers = ["endpoint", "run", "rps", "p50 ms", "p99 ms", "÷ ceiling", "÷ data limit", "non-2xx/errors"]
    print(table(headers, rows))

    clients, invoices, post = (e.name for e in ENDPOINTS)
    two = results[("server 2w", clients)].rps / results[("server 1w", clients)].rps
    targets = [
        ("GET /clients ÷ ceiling", 0.35, results[("server 1w", clients)].rps / results[("ceiling", clients)].rps),
        (
            "GET /invoices?limit=100 ÷ data limit",
            0.5,
            results[("server 1w", invoices)].rps / results[("data limit", invoices)].rps,
        ),
        ("GET /clients 2 workers ÷ 1 worker", 1.6, two),
    ]
    rows = [[name, f"≥ {bar:g}", f"{value:.3f}", "met" if value >= bar else "NOT MET"] for name, bar, value in targets]
    p99 = results[("server 1w", post)].p99_ms
    rows.append(["POST /invoices p99 (ms)", "≤ 250", f"{p99:.0f}", "met" if p99 <= 250 else "NOT MET"])
    waited, missing = pdf_wait
    rows.append(
        [
            "every PDF stored after the POST load (s)",
            "≤ 10",
            f"{waited:.1f}" + (f" ({missing} missing)" if missing else ""),
            "met" if missing == 0 and waited <= 10 else "NOT MET",
        ]
    )
    print("\nTargets (issue 11), from this run:")
    print(table(["target", "bar", "measured", ""], rows))


if __name__ == "__main__":
    sys.exit(main())
