"""Threads that serve their callers in turn: each caller (an account) has its own queue, and the threads take one
call from each queue in rotation. A caller that sends a hundred slow calls at once then delays another caller's
call by at most one of them per thread, instead of by all hundred."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
_Call = tuple[Future[Any], Callable[[], Any]]


class TakingTurns:
    """``threads`` threads named ``name``-N, started on first use, serving queues in rotation; each runs
    ``finish`` (if given) when it stops, e.g. to close its database connection."""

    def __init__(self, threads: int, name: str, finish: Callable[[], object] | None = None) -> None:
        self.threads = threads
        self.name = name
        self._finish = finish
        self._queues: dict[str, deque[_Call]] = {}
        self._turns: deque[str] = deque()
        self._ready = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._stopping = False

    def submit(self, caller: str, call: Callable[[], T]) -> Future[T]:
        """Run ``call`` on one of the threads in ``caller``'s turn; its outcome in the future returned."""
        future: Future[T] = Future()
        with self._ready:
            if self._stopping:
                raise RuntimeError(f"{self.name} is shut down")
            if not self._workers:
                for n in range(self.threads):
                    worker = threading.Thread(target=self._work, name=f"{self.name}-{n}", daemon=True)
                    worker.start()
                    self._workers.append(worker)
            queue = self._queues.get(caller)
            if queue is None:
                queue = self._queues[caller] = deque()
                self._turns.append(caller)
            queue.append((future, call))
            self._ready.notify()
        return future

    def _next(self) -> _Call | None:
        with self._ready:
            while not self._turns and not self._stopping:
                self._ready.wait()
            if not self._turns:
                return None
            caller = self._turns.popleft()
            queue = self._queues[caller]
            taken = queue.popleft()
            if queue:
                self._turns.append(caller)
            else:
                del self._queues[caller]
            return taken

    def _work(self) -> None:
        while (taken := self._next()) is not None:
            future, call = taken
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = call()
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)
        if self._finish is not None:
            self._finish()

    def shutdown(self) -> None:
        """Finish the calls already queued, then stop the threads."""
        with self._ready:
            self._stopping = True
            self._ready.notify_all()
        for worker in self._workers:
            worker.join()
