"""Server fixtures: one real server for the session, a client whose account is the test's own, and a real headless
Chromium (Debian's, driven by Playwright) for the public pages."""

import shutil
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


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, for this module's tests; skipped with the reason when it is missing."""
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()
