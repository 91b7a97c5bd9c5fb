"""API benchmark: requests/second and p50/p99 latency of the v1 API on 1 and 2 workers, against the ceiling of
this stack on this machine, all measured in the same run with the same load generator.

    python bench/api.py                        # 10,000 clients and 100,000 invoices, 10 s per measurement
    python bench/api.py --quick                # a smoke run: small books, 3 s per measurement
    python bench/api.py --duration 20 --concurrency 32 --db /tmp/books.db   # a kept database is topped up

Endpoints: ``GET /api/v1/clients``, ``GET /api/v1/invoices?limit=100`` and ``POST /api/v1/invoices``, each
against ``cleverinvo serve --workers 1`` and ``--workers 2`` (rate limit raised with ``CLEVERINVO_RATE_LIMIT``,
an operator setting) and against a bare Starlette app under the same uvicorn that answers the same JSON bytes from
memory (1 and 2 workers). The ratio is each server's throughput over the ceiling's with the same worker count.

The load generator is ``wrk`` (Debian package) when it is on the PATH, otherwise an asyncio + httpx loop with the
same number of connections; either way it talks only to 127.0.0.1, for a fixed time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
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
    invoice_body,
    make_key,
    percentile,
    seed,
    serve,
    stop,
    table,
    wait_ready,
)
from cleverinvo.core.storage import models
from tests.server.helpers import free_port

ACCOUNT = "bench"
BODIES_VAR = "CLEVERINVO_BENCH_BODIES"


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


# The ceiling: the same JSON bytes from memory, no database, no auth, same Starlette and uvicorn ------------------


def ceiling_app() -> Any:
    """A bare Starlette app answering the bodies the real server gave, from memory (``uvicorn --factory``)."""
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


def serve_ceiling(port: int, workers: int, nodelay: bool) -> None:
    """Run the ceiling app as ``uvicorn.run`` would; with ``nodelay`` and several workers, on a listening socket
    made with ``IPPROTO_TCP`` so accepted connections get TCP_NODELAY (uvicorn issue Kludex/uvicorn#3149: the
    socket its supervisor binds leaves ``proto`` at 0, asyncio then leaves Nagle on, and every keep-alive request
    after the first waits ~40 ms for a delayed ACK)."""
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    options = {"factory": True, "access_log": False, "server_header": False, "log_level": "warning"}
    if not nodelay or workers == 1:
        uvicorn.run("bench.api:ceiling_app", host="127.0.0.1", port=port, workers=workers, **options)
        return
    config = uvicorn.Config("bench.api:ceiling_app", host="127.0.0.1", port=port, workers=workers, **options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()


def start_ceiling(bodies: Path, workers: int, log: Path, nodelay: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    code = f"from bench.api import serve_ceiling; serve_ceiling({port}, {workers}, {nodelay})"
    env = {**os.environ, BODIES_VAR: str(bodies), "PYTHONPATH": str(ROOT)}
    with log.open("ab") as sink:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=sink, stderr=sink)
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
            print(f"Seeding {clients:,} clients and {invoices:,} invoices through the library (have {already:,})…")
            seed(books, clients, invoices, client_ids, already, progress=print)
            print(f"  seeded in {time.perf_counter() - started:.0f} s")
        client_id = client_ids[len(client_ids) // 2]
    finally:
        ci.close()
    return make_key(db, ACCOUNT), client_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement (default 10)")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--db", help="a SQLite path or database URL to seed and keep (default: a temporary file)")
    parser.add_argument("--generator", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--quick", action="store_true", help="500 clients, 5,000 invoices, 3 s per measurement")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.invoices, args.duration = 500, 5_000, 3.0
    with tempfile.TemporaryDirectory(prefix="cleverinvo-apibench-") as tmp_name:
        return run(args, Path(tmp_name))


def run(args: argparse.Namespace, tmp: Path) -> int:
    db = args.db or str(tmp / "api.db")
    key, client_id = prepare(db, args.clients, args.invoices)
    body = json.dumps(invoice_body(client_id, 0), default=float)
    print(
        f"Load: {args.generator}, {args.concurrency} connections, {args.duration:g} s per measurement, "
        f"127.0.0.1 only; {os.cpu_count()} CPUs shared by the load generator and the server"
    )
    results: dict[tuple[str, str], Result] = {}
    bodies = tmp / "bodies.json"
    log = tmp / "server.log"
    for workers in (1, 2):
        server = serve(db, log, workers=workers)
        try:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
                created = http.post("/api/v1/invoices", content=body, headers={"Content-Type": "application/json"})
                if workers == 1:
                    bodies.write_text(
                        json.dumps(
                            {
                                "clients": http.get("/api/v1/clients").text,
                                "invoices": http.get("/api/v1/invoices?limit=100").text,
                                "created": created.text,
                            }
                        )
                    )
                print(f"server, {workers} worker(s): warm-up POST answered {created.status_code}")
            for endpoint in ENDPOINTS:
                result = measure(args.generator, server.url, endpoint, key, body, args.duration, args.concurrency, tmp)
                results[(f"server {workers}w", endpoint.name)] = result
                print(f"  server {workers}w {endpoint.name}: {result.rps:.0f} rps {result.detail}")
        finally:
            stop(server.process)
    for workers, nodelay in ((1, False), (2, False), (2, True)):
        who = f"ceiling {workers}w" + (" nodelay" if nodelay else "")
        process, url = start_ceiling(bodies, workers, log, nodelay)
        try:
            for endpoint in ENDPOINTS:
                result = measure(args.generator, url, endpoint, key, body, args.duration, args.concurrency, tmp)
                results[(who, endpoint.name)] = result
                print(f"  {who} {endpoint.name}: {result.rps:.0f} rps {result.detail}")
        finally:
            stop(process)
    report(results, args)
    bad = sum(r.bad for (who, _), r in results.items() if who.startswith("server"))
    if bad:
        print(f"\nWARNING: {bad} server responses were not 2xx (or failed); see {log} while the bench runs")
    return 1 if bad else 0


def report(results: dict[tuple[str, str], Result], args: argparse.Namespace) -> None:
    print(
        f"\nCleverInvo API with {args.clients:,} clients and {args.invoices:,} invoices: requests/s, p50 and p99 in ms;"
        "\nratio = server rps / ceiling rps with the same number of workers (ceiling: bare Starlette+uvicorn,"
        " same JSON from memory); 'nodelay' = the 2-worker ceiling with TCP_NODELAY restored (Kludex/uvicorn#3149)"
    )
    rows = []
    for endpoint in ENDPOINTS:
        for who in ("server 1w", "ceiling 1w", "server 2w", "ceiling 2w", "ceiling 2w nodelay"):
            r = results[(who, endpoint.name)]
            workers = who.split()[1]
            ceiling = results[(f"ceiling {workers}", endpoint.name)]
            ratio = f"{r.rps / ceiling.rps:.3f}" if who.startswith("server") else "-"
            nodelay = results[("ceiling 2w nodelay", endpoint.name)]
            ratio_nd = f"{r.rps / nodelay.rps:.3f}" if who == "server 2w" else "-"
            rows.append(
                [endpoint.name, who, f"{r.rps:.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", ratio, ratio_nd, r.bad]
            )
    headers = ["endpoint", "run", "rps", "p50 ms", "p99 ms", "÷ ceiling", "÷ nodelay ceiling", "non-2xx/errors"]
    print(table(headers, rows))


if __name__ == "__main__":
    sys.exit(main())
