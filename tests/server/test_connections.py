"""Slow and malformed connections against a real server: deadlines for headers and bodies, a connection cap,
and the request forms that smuggling builds on refused with 400 and a closed connection."""

import contextlib
import selectors
import socket
import threading
import time

import httpx
import pytest

from tests.server.helpers import Server, start_server

HEADER_TIMEOUT = 4


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Server:
    env = {"CLEVERINVO_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "CLEVERINVO_BODY_TIMEOUT": "2"}
    server = start_server(tmp_path_factory.mktemp("guarded"), env=env)
    yield server
    server.stop()


def address(server: Server) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def exchange(server: Server, data: bytes, wait: float = 10) -> bytes:
    """Send ``data`` on a new connection and read until the server closes it."""
    with socket.create_connection(address(server), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_slowloris_leaves_healthz_answering_and_each_connection_is_closed_in_time(guarded):
    slow: dict[socket.socket, float] = {}
    for _ in range(500):
        sock = socket.create_connection(address(guarded))
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        sock.setblocking(False)
        slow[sock] = time.monotonic()
    latencies: list[float] = []
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=guarded.url, timeout=5) as http:
            while not done.is_set():
                started = time.monotonic()
                assert http.get("/healthz", headers={"Connection": "close"}).status_code == 200
                latencies.append(time.monotonic() - started)
                time.sleep(0.2)

    prober = threading.Thread(target=probe)
    prober.start()
    selector = selectors.DefaultSelector()
    for sock in slow:
        selector.register(sock, selectors.EVENT_READ)
    closed_after: list[float] = []
    answers: list[bytes] = []
    deadline = time.monotonic() + HEADER_TIMEOUT + 15
    next_trickle = time.monotonic()
    try:
        while slow and time.monotonic() < deadline:
            if time.monotonic() >= next_trickle:  # one more header line on every open connection each second
                for sock in list(slow):
                    with contextlib.suppress(OSError):
                        sock.send(b"X-Slow: 1\r\n")
                next_trickle += 1
            for key, _ in selector.select(timeout=0.1):
                sock = key.fileobj
                try:
                    chunk = sock.recv(4096)
                except ConnectionResetError:
                    chunk = b""
                if chunk:
                    answers.append(chunk)
                    continue
                closed_after.append(time.monotonic() - slow.pop(sock))
                selector.unregister(sock)
                sock.close()
    finally:
        done.set()
        prober.join()
        for sock in slow:
            sock.close()
    assert not slow, f"{len(slow)} slow connections still open"
    print(
        f"slowloris: /healthz max {max(latencies) * 1000:.0f} ms over {len(latencies)} probes; "
        f"connections closed after {min(closed_after):.1f}-{max(closed_after):.1f} s"
    )
    assert max(latencies) < 1.0
    assert max(closed_after) < HEADER_TIMEOUT + 2
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers)


@pytest.mark.parametrize(
    "after", [b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"\r\n"], ids=["partial-head", "blank-line"]
)
def test_the_next_request_on_a_kept_connection_has_the_same_header_deadline(guarded, after):
    with socket.create_connection(address(guarded), timeout=HEADER_TIMEOUT + 10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while not first.endswith(b'{"status":"ok"}') and (chunk := sock.recv(65536)):
            first += chunk
        assert first.startswith(b"HTTP/1.1 200 ")
        time.sleep(1)
        sock.sendall(after)
        started = time.monotonic()  # the keep-alive timeout (5 s) no longer applies: these bytes began a request
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert HEADER_TIMEOUT - 0.5 < time.monotonic() - started < HEADER_TIMEOUT + 2
    assert answer.startswith(b"HTTP/1.1 408 ") and b"headers not received" in answer


def test_a_body_that_does_not_arrive_in_time_is_408(guarded):
    head = f"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {guarded.key()}\r\n"
    started = time.monotonic()
    answer = exchange(guarded, head.encode() + b'Content-Length: 100\r\n\r\n{"na')
    assert answer.startswith(b"HTTP/1.1 408 ") and b"connection: close" in answer.lower()
    assert time.monotonic() - started < 2 + 2


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n"
        b"0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"
        b"0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\nContent-Length: 0\r\n\r\n"
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n"
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["cl-then-te", "te-then-cl", "folded-te", "folded-header", "empty-te-and-cl", "two-cl"],
)
def test_smuggling_forms_are_400_and_the_pipelined_request_is_not_answered(guarded, request_bytes):
    answer = exchange(guarded, request_bytes)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert answer.count(b"HTTP/1.1 ") == 1
    assert b"connection: close" in answer.lower()
    assert b'"error": "Invalid HTTP request: ' in answer


@pytest.mark.parametrize("in_pieces", [False, True], ids=["at-once", "in-pieces"])
@pytest.mark.parametrize("where", ["header", "url"])
def test_a_head_over_16_kib_is_431_and_the_connection_closed(guarded, where, in_pieces):
    big = "a" * (17 * 1024)
    head = (
        f"GET /healthz?q={big} HTTP/1.1\r\nHost: x\r\n"
        if where == "url"
        else f"GET /healthz HTTP/1.1\r\nX-Big: {big}\r\n"
    )
    with socket.create_connection(address(guarded), timeout=10) as sock:
        if in_pieces:  # the head never completes: refused once the bytes held exceed the limit
            for start in range(0, len(head), 4096):
                sock.sendall(head[start : start + 4096].encode())
                time.sleep(0.05)
        else:  # complete in one write, most likely one read
            sock.sendall(f"{head}\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert answer.count(b"HTTP/1.1 ") == 1
    assert b"connection: close" in answer.lower()


def test_a_head_just_under_16_kib_is_answered(guarded):
    filler = "".join(f"X-Filler-{i}: {'b' * 90}\r\n" for i in range(150))  # 150 headers, ~15.5 KiB
    answer = exchange(guarded, f"GET /healthz HTTP/1.1\r\nHost: x\r\n{filler}Connection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]


def test_pipelined_ordinary_requests_are_still_answered(guarded):
    answer = exchange(
        guarded,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert answer.count(b"HTTP/1.1 200 ") == 2


def test_connections_over_the_cap_are_turned_away_at_once(tmp_path):
    server = start_server(tmp_path, env={"CLEVERINVO_MAX_CONNECTIONS": "16"})
    held = []
    try:
        for _ in range(16):
            held.append(socket.create_connection(address(server)))
        time.sleep(0.5)
        started = time.monotonic()
        answer = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503 ") and b"retry-after: 1" in answer.lower()
        assert time.monotonic() - started < 2
        for sock in held:
            sock.close()
        time.sleep(0.5)
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        with open(f"/proc/{server.process.pid}/limits") as limits:
            line = next(li for li in limits if li.startswith("Max open files"))
        soft, hard = line.split()[3:5]
        assert soft == hard  # raised to the hard limit at start
    finally:
        server.stop()
