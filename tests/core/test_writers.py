"""SQLite writers take turns on a lock file: across processes, across threads, and with the busy timeout's answer
when the turn does not come (storage/writers.py)."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import cleverinvo.core
from cleverinvo.core import Unavailable
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.writers import WriterLock
from tests.conftest import POSTGRES_ADMIN

pytestmark = pytest.mark.skipif(bool(POSTGRES_ADMIN), reason="the lock file is SQLite's; PostgreSQL locks rows")

HOLD = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1] + "-writer", os.O_RDWR | os.O_CREAT)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def holder(path: str, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the write turn of ``path`` for ``seconds``."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, path, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_writer_waits_for_another_process_then_writes(tmp_path):
    path = str(tmp_path / "books.db")
    ci = cleverinvo.core.open(path)
    try:
        other = holder(path, 0.5)
        started = time.monotonic()
        ci.books().clients.create({"name": "After the other writer"})
        waited = time.monotonic() - started
        other.wait()
        assert 0.3 < waited < 5 and ci.books().clients.list().total == 1
    finally:
        ci.close()


def test_a_turn_that_does_not_come_within_the_timeout_is_busy_and_nothing_is_written(tmp_path):
    path = str(tmp_path / "books.db")
    lock = WriterLock(path, timeout=0.3)
    other = holder(path, 3)
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable, match="The database is busy"), lock.held():
            pytest.fail("the turn was given while another process held it")
        assert 0.25 < time.monotonic() - started < 2
    finally:
        other.kill()
        other.wait()
    with lock.held():  # the other process is gone: its lock went with it
        pass


def test_threads_of_one_process_take_turns(tmp_path):
    ci = cleverinvo.core.open(str(tmp_path / "books.db"))
    books = ci.books()
    client = books.clients.create({"name": "Counter"})
    failures: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(25):
                with transaction():
                    row = models.Client.get_by_id(client.id)
                    row.notes = str(int(row.notes or "0") + 1)
                    row.save()
        except BaseException as exc:
            failures.append(exc)

    try:
        threads = [threading.Thread(target=bump) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == [] and books.clients.get(client.id).notes == "200"
    finally:
        ci.close()


def test_without_a_lock_file_writers_queue_on_sqlite_alone(tmp_path):
    for path in (":memory:", "file:books?mode=memory", str(tmp_path / "read-only" / "books.db")):
        if path.endswith(".db"):
            Path(path).parent.mkdir()
            Path(path).parent.chmod(0o500)
        lock = WriterLock(path, timeout=1)
        with lock.held():
            pass
        assert lock.path is None or Path(f"{path}-writer").exists()
