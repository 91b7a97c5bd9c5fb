"""Run the API under uvicorn, with one or more worker processes and our logging."""

import importlib.util
import logging
import os
import resource
import signal
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from cleverinvo.core import DB_ENV_VAR
from cleverinvo.core.access.ratelimit import SharedRateLimiter
from cleverinvo.core.delivery.links import PUBLIC_URL_VAR

RATE_STATE_VAR = "CLEVERINVO_RATE_STATE"
RENDER_PROCESSES_VAR = "CLEVERINVO_RENDER_PROCESSES"


class OncePer(logging.Filter):
    """Lets one record of a kind (logger and message template) through per ``seconds``, and says how many of
    that kind it held back: an attacker who makes the server fail the same way a thousand times a second
    (failed accepts, malformed requests) must not fill the disk with log lines."""

    def __init__(self, seconds: float = 10.0) -> None:
        super().__init__()
        self.seconds = seconds
        self._last: dict[tuple[str, object], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, record.msg)
        now = time.monotonic()
        last, held = self._last.get(kind, (float("-inf"), 0))
        if now - last < self.seconds:
            self._last[kind] = (last, held + 1)
            return False
        self._last[kind] = (now, 0)
        if held:
            record.msg = f"{record.msg} ({held} more like this in the last {self.seconds:g} s not logged)"
        return True


LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"}},
    "filters": {"once_per_10s": {"()": OncePer, "seconds": 10.0}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        "stderr_limited": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
            "filters": ["once_per_10s"],
        },
    },
    "loggers": {
        "uvicorn": {"handlers": ["stderr_limited"], "level": "INFO", "propagate": False},
        "asyncio": {"handlers": ["stderr_limited"], "level": "WARNING", "propagate": False},
        "cleverinvo": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def raise_open_file_limit() -> int:
    """Raise this process's open-file limit to its hard limit (workers inherit it); returns the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):
        return soft
    return wanted


def serve(db: str | None, host: str, port: int, workers: int) -> None:
    """Serve until SIGINT or SIGTERM, then finish the requests under way and exit cleanly.

    With several workers, the rate-limit buckets live in a file the workers share; one worker keeps them in memory.
    """
    if db:
        os.environ[DB_ENV_VAR] = db  # worker processes open the same database
    os.environ.setdefault(PUBLIC_URL_VAR, listening_url(host, port))  # view links point here unless told otherwise
    os.environ.setdefault(RENDER_PROCESSES_VAR, str(render_processes(workers)))
    raise_open_file_limit()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _stopped)
    with tempfile.TemporaryDirectory(prefix="cleverinvo-") as runtime:
        if workers > 1:
            os.environ[RATE_STATE_VAR] = str(SharedRateLimiter.prepare(Path(runtime) / "rate-limits"))
        _run_uvicorn(host, port, workers)


def render_processes(workers: int) -> int:
    """Render processes per server worker unless the operator says: the CPUs this process may use, shared by the
    workers. Renders run niced, so they take what the requests leave; with one per CPU, the PDFs of a burst of
    changes are all stored soon after it ends (one process on two CPUs took twice as long)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cpus // workers)


def listening_url(host: str, port: int) -> str:
    """The address ``serve`` is reached at: the host it listens on, or this machine's name when it listens on
    every address."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _stopped(signum: int, frame: object) -> None:
    """uvicorn shuts down gracefully, then raises the signal again under the handler it found: ours, so that a
    requested stop ends the process with status 0 instead of "killed by SIGTERM"."""
    raise SystemExit(0)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP listening socket made with ``IPPROTO_TCP``, so that the connections it accepts get TCP_NODELAY.

    uvicorn's own socket for several workers leaves the protocol at 0; asyncio then leaves Nagle's algorithm on
    and every keep-alive request after the first waits ~40 ms for a delayed ACK (uvicorn issue #3149).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def event_loop() -> str:
    """uvloop where it is installed (not on Windows), else asyncio's own loop."""
    return "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def _run_uvicorn(host: str, port: int, workers: int) -> None:
    config = uvicorn.Config(
        "cleverinvo.server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=LOGGING,
        access_log=False,
        server_header=False,
        http="cleverinvo.server.protocol:GuardedHttpToolsProtocol",
        loop=event_loop(),
        ws="none",  # no WebSockets: an upgrade would be refused, never handed to a protocol the deadlines don't know
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    sock = listening_socket(host, port)
    logging.getLogger("cleverinvo.server").info("Serving on http://%s:%d with %d workers", host, port, workers)
    Multiprocess(config, sockets=[sock]).run()
