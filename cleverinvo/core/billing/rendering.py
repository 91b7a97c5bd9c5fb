"""Stored PDFs rendered in worker processes, for a server: no render runs on a request thread or holds the GIL of
the process that answers requests, and no account can make the others wait for their PDFs.

- Each worker process opens the database itself, renders with ``Documents.pdf`` (which stores the result unless
  the invoice changed meanwhile) and has a time limit per render and a memory limit (its address space).
- One render per (invoice, version) at a time, however many requests want it: they share it.
- A download that has to wait for a render takes a place in a bounded queue, per account and overall; beyond
  it the request gets ``Busy`` (503 with ``Retry-After``) instead of waiting behind everybody.
- The render after each change (``refresh``) is queued per account, fairly across accounts, and only given to a
  worker that is free, so it never delays a download; if an account's backlog is full it is dropped and the
  next download renders it.
- ``abandon()`` (on SIGTERM) ends every wait at once with ``Busy``; ``close()`` stops the workers. A render cut
  short was never stored, so the next request renders it again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import FrameType

from cleverinvo.core.billing.documents import Documents, InvoicePdf, PdfWanted
from cleverinvo.core.errors import Busy, CleverInvoError
from cleverinvo.core.storage.db import redo_able_writes_only

log = logging.getLogger(__name__)

RENDER_SECONDS = 60.0  # one render's time limit; the caps on printed lines keep a legal invoice well within it
RENDER_MEMORY = 512 * 1024**2  # address space a render may add to its worker's; beyond it, MemoryError
DOWNLOADS_PER_ACCOUNT = 8  # renders one account's requests may wait for at once (requests sharing one count once)
DOWNLOADS_OVERALL = 32  # renders all requests may wait for at once
BACKLOG_PER_ACCOUNT = 10_000  # renders after changes waiting for a free worker, per account (ids only)
RENDER_NICENESS = 10  # added to the render workers' nice value: requests first, renders with what is left
RETRY_AFTER = 2  # seconds, when a queue is full or the server is stopping
PARENT_CHECK_SECONDS = 1.0  # how often a worker checks that its server is still there


class RenderFailed(CleverInvoError):
    """A render that ran out of its time or memory, or whose worker died."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How many worker processes, each render's time and memory, and the queues' bounds."""

    processes: int = 1
    seconds: float = RENDER_SECONDS
    memory: int = RENDER_MEMORY  # bytes a render may use beyond what its worker uses when started
    downloads_per_account: int = DOWNLOADS_PER_ACCOUNT
    downloads_overall: int = DOWNLOADS_OVERALL
    backlog_per_account: int = BACKLOG_PER_ACCOUNT


# The worker process side -----------------------------------------------------------------------------------------


class _TimeUp(Exception):
    pass


def _time_up(signum: int, frame: FrameType | None) -> None:
    raise _TimeUp


def _start_worker(target: str, memory: int) -> None:
    """In each worker: yield the CPU to the processes that answer requests (renders are background work), leave
    stopping to the server (SIGINT ignored), open the database once, then cap the address space at what the
    worker uses now plus ``memory``."""
    import cleverinvo.core

    os.nice(RENDER_NICENESS)
    threading.Thread(target=_end_with, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _time_up)
    redo_able_writes_only(cleverinvo.core.open(target).database)  # a worker stores PDFs alone
    with open("/proc/self/statm") as statm:  # Linux: the first field is the address space in pages
        used = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (used + memory, resource.RLIM_INFINITY))


def _end_with(parent: int) -> None:
    """A worker whose server is gone (killed, or ended without closing its pool) ends too, instead of living on
    as an orphan holding the database open."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _render(account_id: str, invoice_id: str, seconds: float) -> InvoicePdf:
    """In a worker: the invoice's current PDF, stored unless the invoice changed meanwhile."""
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return Documents(account_id).pdf(invoice_id)
    except _TimeUp:
        raise RenderFailed(f"The PDF of invoice {invoice_id} took longer than {seconds:g} s to render") from None
    except MemoryError:
        raise RenderFailed(f"The PDF of invoice {invoice_id} needs more memory than a render may use") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _ready() -> None:
    """A job that only makes a worker start (and import everything a render needs)."""


# The server side -------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Job:
    account_id: str
    wanted: PdfWanted
    result: Future[InvoicePdf]
    downloads: int = 0  # requests that wanted it (0: only a render after a change)


class RenderPool:
    """Worker processes rendering the stored PDFs of the database at ``target``; safe to use from any thread."""

    def __init__(self, target: str, limits: Limits | None = None) -> None:
        self.target = target
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._jobs: dict[tuple[str, int], _Job] = {}  # submitted to a worker, by (invoice, version)
        self._refreshing = 0  # submitted renders no request waits for
        self._waiting: dict[str, int] = {}  # renders that requests wait for, per account
        self._backlog: dict[str, OrderedDict[str, PdfWanted]] = {}  # renders after changes, per account
        self._turns: deque[str] = deque()  # accounts with a backlog, in turn
        self._closed = False

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.limits.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.target, self.limits.memory),
            )
        return self._executor

    def start(self) -> None:
        """Start the workers now, so the first render does not pay for their start."""
        with self._lock:
            for _ in range(self.limits.processes):
                self._pool().submit(_ready)

    # Downloads ---------------------------------------------------------------------------------------------------

    def render(self, account_id: str, wanted: PdfWanted) -> Future[InvoicePdf]:
        """The PDF ``wanted`` (an invoice at a version with none stored), rendered by a worker; shared with
        whoever already wants it. ``Busy`` when this account's or the overall queue is full, or when stopping."""
        with self._lock:
            if self._closed:
                raise Busy("The server is stopping; retry in a moment", RETRY_AFTER)
            job = self._jobs.get((wanted.invoice_id, wanted.version))
            if job is None or job.downloads == 0:
                self._make_room(account_id)
                self._waiting[account_id] = self._waiting.get(account_id, 0) + 1
                if job is None:
                    self._drop_from_backlog(account_id, wanted.invoice_id)
                    job = self._submit(account_id, wanted)
                else:  # a render after a change, under way: now a request waits for it
                    self._refreshing -= 1
            job.downloads += 1
            return job.result

    def _make_room(self, account_id: str) -> None:
        if self._waiting.get(account_id, 0) >= self.limits.downloads_per_account:
            raise Busy("Too many PDFs of this account are being rendered; retry in a moment", RETRY_AFTER)
        if sum(self._waiting.values()) >= self.limits.downloads_overall:
            raise Busy("Too many PDFs are being rendered; retry in a moment", RETRY_AFTER)

    # Renders after changes ---------------------------------------------------------------------------------------

    def refresh(self, account_id: str, wanted: PdfWanted) -> None:
        """Render ``wanted`` when a worker is free, after this account's earlier ones and in turn with other
        accounts'. Never raises for lack of room: the next download renders what was dropped."""
        with self._lock:
            if self._closed or (wanted.invoice_id, wanted.version) in self._jobs:
                return
            backlog = self._backlog.setdefault(account_id, OrderedDict())
            backlog.pop(wanted.invoice_id, None)  # an older version's render is not wanted any more
            if len(backlog) >= self.limits.backlog_per_account:
                log.warning("PDF backlog of account %s is full; invoice %s renders on download", account_id, wanted)
                return
            backlog[wanted.invoice_id] = wanted
            if account_id not in self._turns:
                self._turns.append(account_id)
            self._feed()

    def _drop_from_backlog(self, account_id: str, invoice_id: str) -> None:
        backlog = self._backlog.get(account_id)
        if backlog is not None:
            backlog.pop(invoice_id, None)

    def _feed(self) -> None:
        """Give backlog renders to workers that nothing else waits for, one account at a time."""
        while self._turns and self._refreshing + sum(self._waiting.values()) < self.limits.processes:
            account_id = self._turns.popleft()
            backlog = self._backlog.get(account_id)
            if not backlog:
                self._backlog.pop(account_id, None)
                continue
            _, wanted = backlog.popitem(last=False)
            if backlog:
                self._turns.append(account_id)
            if (wanted.invoice_id, wanted.version) not in self._jobs:
                self._submit(account_id, wanted)
                self._refreshing += 1

    # Both --------------------------------------------------------------------------------------------------------

    def _submit(self, account_id: str, wanted: PdfWanted) -> _Job:
        job = _Job(account_id, wanted, Future())
        self._jobs[(wanted.invoice_id, wanted.version)] = job
        try:
            running = self._pool().submit(_render, account_id, wanted.invoice_id, self.limits.seconds)
        except BrokenProcessPool:  # a worker died (killed from outside); start a new pool
            self._executor = None
            running = self._pool().submit(_render, account_id, wanted.invoice_id, self.limits.seconds)
        running.add_done_callback(lambda done: self._finished(job, done))
        return job

    def _finished(self, job: _Job, done: Future[InvoicePdf]) -> None:
        with self._lock:
            if self._jobs.get((job.wanted.invoice_id, job.wanted.version)) is job:
                del self._jobs[(job.wanted.invoice_id, job.wanted.version)]
            if job.downloads:
                left = self._waiting.get(job.account_id, 0) - 1
                if left > 0:
                    self._waiting[job.account_id] = left
                else:
                    self._waiting.pop(job.account_id, None)
            else:
                self._refreshing -= 1
            if not self._closed:
                self._feed()
        if job.result.done():  # abandoned
            return
        error = None if done.cancelled() else done.exception()
        if done.cancelled():
            job.result.set_exception(Busy("The server is stopping; retry in a moment", RETRY_AFTER))
        elif isinstance(error, BrokenProcessPool):
            log.error("A PDF worker died while rendering invoice %s", job.wanted.invoice_id)
            with self._lock:
                self._executor = None
            job.result.set_exception(RenderFailed(f"The PDF of invoice {job.wanted.invoice_id} could not be made"))
        elif error is not None:
            if isinstance(error, RenderFailed):
                log.error("%s", error.message)
            elif not isinstance(error, CleverInvoError):
                log.error("Rendering invoice %s failed", job.wanted.invoice_id, exc_info=error)
            job.result.set_exception(error)
        else:
            job.result.set_result(done.result())

    def abandon(self) -> None:
        """Stop taking work and end every wait now with ``Busy``; renders under way are left unfinished."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
            self._backlog.clear()
            self._turns.clear()
        for job in jobs:
            if not job.result.done():
                job.result.set_exception(Busy("The server is stopping; retry in a moment", RETRY_AFTER))

    def close(self) -> None:
        """``abandon``, then stop the workers without waiting for what they are rendering."""
        self.abandon()
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        workers = list((getattr(executor, "_processes", None) or {}).values())  # no public way before 3.14
        executor.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        for worker in workers:
            worker.join(timeout=5)
