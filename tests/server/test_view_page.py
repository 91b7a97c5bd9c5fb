"""The public view page in a real headless Chromium: opening the link makes the invoice VIEWED; a plain GET, a
HEAD or a scanner's fetch does not. Security headers, unknown tokens, the PDF and the per-token limit. A quote's
page: accept or decline by its form, once; an expired quote cannot be accepted. (The whole journey of a quote
e-mailed, accepted in Chromium and made an invoice is in test_delivery.py.)"""

import time

import httpx

from tests.server.helpers import make_client, make_invoice, make_quote


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


def sent_quote(api: httpx.Client, **fields: object) -> dict:
    quote = make_quote(api, make_client(api)["id"], **fields)
    sent = api.post(f"/api/v1/quotes/{quote['id']}/send", json={})
    assert sent.status_code == 200
    return sent.json()["data"]


def test_a_quote_declined_in_the_browser_on_a_phone(server, api, browser) -> None:
    quote = sent_quote(api, validUntil="2099-12-31")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(local(server, quote["viewUrl"]))
    accept, decline = page.get_by_role("button", name="Accept"), page.get_by_role("button", name="Decline")
    assert accept.is_visible() and decline.is_visible()
    assert accept.bounding_box()["width"] >= 160  # thumb-sized on a phone
    with page.expect_navigation():
        decline.click()
    assert "You declined this quote." in page.locator(".answer").inner_text()
    page.close()
    assert status_of(api, quote)["status"] == "DECLINED"
    assert httpx.post(local(server, quote["viewUrl"]) + "/accept").status_code == 409
    assert status_of(api, quote)["status"] == "DECLINED"
    assert api.post(f"/api/v1/quotes/{quote['id']}/invoice").status_code == 409  # never from a declined quote


def test_an_unanswered_quote_past_its_date_is_expired_and_cannot_be_accepted(server, api, browser) -> None:
    quote = sent_quote(api, issueDate="2021-03-01", validUntil="2021-03-31")
    assert quote["status"] == "EXPIRED"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(local(server, quote["viewUrl"]))
    assert page.locator(".badge").inner_text() == "Expired" and page.get_by_role("button").count() == 0
    assert "This quote expired on Mar 31, 2021." in page.locator(".answer").inner_text()
    page.close()
    refused = httpx.post(local(server, quote["viewUrl"]) + "/accept")
    assert refused.status_code == 409 and "This quote expired" in refused.text
    assert refused.headers["content-security-policy"].count("form-action 'self'") == 1
    assert status_of(api, quote)["status"] == "EXPIRED"
    assert "accepted" not in [e["type"] for e in api.get(f"/api/v1/quotes/{quote['id']}/events").json()["data"]]


def test_a_quote_page_is_answered_only_with_its_own_token(server, api) -> None:
    invoice = sent_invoice(api)
    assert httpx.post(local(server, invoice["viewUrl"]) + "/accept").status_code == 404  # an invoice's page
    assert httpx.post(f"{server.url}/view/nope/accept").status_code == 404
    assert httpx.get(local(server, sent_quote(api)["viewUrl"]) + "/accept").status_code == 405  # never by a GET


def status_of(api: httpx.Client, quote: dict) -> dict:
    return api.get(f"/api/v1/quotes/{quote['id']}").json()["data"]
