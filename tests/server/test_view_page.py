"""The public view page in a real headless Chromium: opening the link makes the invoice VIEWED; a plain GET, a
HEAD or a scanner's fetch does not. Security headers, unknown tokens, the PDF and the per-token limit."""

import shutil
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.server.helpers import make_client, make_invoice

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
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


def sent_invoice(api: httpx.Client) -> dict:
    invoice = make_invoice(api, make_client(api)["id"], invoiceNumber=f"V-{time.monotonic_ns()}")
    sent = api.post(f"/api/v1/invoices/{invoice['id']}/send", json={})
    assert sent.status_code == 200
    return sent.json()["data"]


def local(server, view_url: str) -> str:
    """The view link on this test server (the public address defaults to where serve listens)."""
    assert view_url.startswith(server.url + "/view/"), view_url
    return view_url


def status(api: httpx.Client, invoice: dict) -> dict:
    return api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]


def test_plain_get_and_head_leave_it_sent(server, api) -> None:
    invoice = sent_invoice(api)
    url = local(server, invoice["viewUrl"])
    head = httpx.head(url)
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/html")
    page = httpx.get(url, headers={"User-Agent": "Mozilla/5.0 (compatible; SafeLinks scanner)"})
    assert page.status_code == 200
    assert invoice["invoiceNumber"] in page.text and "Acme Corp" in page.text and "$100.00" in page.text
    time.sleep(1)
    after = status(api, invoice)
    assert after["status"] == "SENT" and after["viewedAt"] is None
    assert "viewed" not in [e["type"] for e in api.get(f"/api/v1/invoices/{invoice['id']}/events").json()["data"]]


def test_security_headers_and_a_nonce_for_the_one_script(server, api) -> None:
    invoice = sent_invoice(api)
    page = httpx.get(local(server, invoice["viewUrl"]))
    policy = page.headers["content-security-policy"]
    nonce = policy.split("script-src 'nonce-", 1)[1].split("'", 1)[0]
    assert len(nonce) >= 16 and f'<script nonce="{nonce}">' in page.text and page.text.count("<script") == 1
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-robots-tag"].startswith("noindex")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    again = httpx.get(local(server, invoice["viewUrl"])).headers["content-security-policy"]
    assert again != policy  # a fresh nonce every time


def test_unknown_tokens_get_a_plain_404(server, api) -> None:
    invoice = sent_invoice(api)
    real = invoice["viewUrl"].rsplit("/", 1)[1]
    for token in ("nope", real[:-1] + ("A" if real[-1] != "A" else "B"), "x" * 300, "%00", real.upper()):
        for suffix in ("", "/pdf"):
            response = httpx.get(f"{server.url}/view/{token}{suffix}")
            assert response.status_code == 404
            assert "Not found" in response.text and "invoice" not in response.text.lower()
            assert response.headers["x-robots-tag"].startswith("noindex")
    assert httpx.post(f"{server.url}/view/nope/seen", headers={"X-CleverInvo-Seen": "1"}).status_code == 404


def test_the_pdf_link_gives_the_invoice_pdf(server, api) -> None:
    invoice = sent_invoice(api)
    public = httpx.get(local(server, invoice["viewUrl"]) + "/pdf")
    assert public.status_code == 200 and public.headers["content-type"] == "application/pdf"
    assert f'filename="{invoice["invoiceNumber"]}.pdf"' in public.headers["content-disposition"]
    assert public.content == api.get(f"/api/v1/invoices/{invoice['id']}/pdf").content


def test_the_report_needs_the_page_header(server, api) -> None:
    invoice = sent_invoice(api)
    assert httpx.post(local(server, invoice["viewUrl"]) + "/seen").status_code == 400
    assert status(api, invoice)["status"] == "SENT"


def test_page_and_pdf_are_limited_per_token(server, api) -> None:
    invoice = sent_invoice(api)
    other = sent_invoice(api)
    codes = [httpx.get(local(server, invoice["viewUrl"]) + "/pdf").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    limited = httpx.get(local(server, invoice["viewUrl"]))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert httpx.get(local(server, other["viewUrl"])).status_code == 200  # another token is not held back


def test_opening_the_link_in_a_browser_makes_it_viewed(server, api, browser) -> None:
    invoice = sent_invoice(api)
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(local(server, invoice["viewUrl"]))
    assert page.title() == f"Invoice {invoice['invoiceNumber']}"
    assert page.locator("a.button").get_attribute("href").endswith("/pdf")
    deadline = time.monotonic() + 15
    while status(api, invoice)["status"] != "VIEWED" and time.monotonic() < deadline:
        time.sleep(0.2)
    page.close()
    viewed = status(api, invoice)
    assert viewed["status"] == "VIEWED" and viewed["viewedAt"]
    history = api.get(f"/api/v1/invoices/{invoice['id']}/events").json()["data"]
    assert [e["type"] for e in history].count("viewed") == 1 and history[-1]["actor"] == "system"
    assert problems == []  # the policy let the page's own style and script run, and nothing else was tried
