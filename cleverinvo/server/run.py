"""Run the API under uvicorn, with one or more worker processes and our logging."""

import os
import signal
import tempfile
from pathlib import Path
from typing import Any

import uvicorn

from cleverinvo.core import DB_ENV_VAR
from cleverinvo.core.ratelimit import SharedRateLimiter

RATE_STATE_VAR = "CLEVERINVO_RATE_STATE"

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "cleverinvo": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def serve(db: str | None, host: str, port: int, workers: int) -> None:
    """Serve until SIGINT or SIGTERM, then finish the requests under way and exit cleanly.

    With several workers, the rate-limit buckets live in a file the workers share; one worker keeps them in memory.
    """
    if db:
        os.environ[DB_ENV_VAR] = db  # worker processes open the same database
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _stopped)
    with tempfile.TemporaryDirectory(prefix="cleverinvo-") as runtime:
        if workers > 1:
            os.environ[RATE_STATE_VAR] = str(SharedRateLimiter.prepare(Path(runtime) / "rate-limits.sqlite"))
        _run_uvicorn(host, port, workers)


def _stopped(signum: int, frame: object) -> None:
    """uvicorn shuts down gracefully, then raises the signal again under the handler it found: ours, so that a
    requested stop ends the process with status 0 instead of "killed by SIGTERM"."""
    raise SystemExit(0)


def _run_uvicorn(host: str, port: int, workers: int) -> None:
    uvicorn.run(
        "cleverinvo.server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=LOGGING,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
