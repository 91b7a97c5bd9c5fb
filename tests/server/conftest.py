"""Server fixtures: one real server for the session, and a client whose account is the test's own."""

from collections.abc import Iterator

import httpx
import pytest

from tests.server.helpers import Server, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    started = start_server(tmp_path_factory.mktemp("server"))
    yield started
    started.stop()


@pytest.fixture
def api(server: Server, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A client with a key of an account of this test's own, so tests never see each other's data."""
    with server.client(account=f"t{abs(hash(request.node.nodeid)) % 10**10}") as http:
        yield http
