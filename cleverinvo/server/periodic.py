"""Work ``cleverinvo serve`` does by itself: the passes over recurring invoices and reminders (and any other pass
the core offers), once at start and then every ``CLEVERINVO_PASS_SECONDS`` (an hour by default).

Every worker of every host runs them; the core claims each piece of work in the database before doing it, so
running them several times at once makes nothing twice. A failing pass is logged and tried again next time.
"""

import asyncio
import logging
import os
from collections.abc import Callable, Sequence, Sized

from starlette.concurrency import run_in_threadpool

from cleverinvo.core import CleverInvo

INTERVAL_VAR = "CLEVERINVO_PASS_SECONDS"
HOUR = 3600.0

log = logging.getLogger("cleverinvo.server")


def interval() -> float:
    """Seconds between two rounds of passes: ``$CLEVERINVO_PASS_SECONDS``, else an hour."""
    value = os.environ.get(INTERVAL_VAR, "")
    try:
        seconds = float(value) if value else HOUR
    except ValueError:
        seconds = HOUR
    return seconds if seconds > 0 else HOUR


def passes(ci: CleverInvo) -> Sequence[tuple[str, Callable[[], Sized]]]:
    """The passes, by name, as the server runs them."""
    return (("recurring invoices", ci.run_recurring), ("reminders", lambda: ci.remind(required=False)))


async def run_forever(ci: CleverInvo) -> None:
    """Run every pass now, then again after each interval, until cancelled (at shutdown)."""
    while True:
        for name, one_pass in passes(ci):
            try:
                done = await run_in_threadpool(one_pass)
            except Exception:
                log.exception("The pass over %s failed; it runs again in %.0f s", name, interval())
            else:
                if done:
                    log.info("The pass over %s did %d things", name, len(done))
        await asyncio.sleep(interval())
