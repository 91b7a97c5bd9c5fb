"""Sending invoices by e-mail through a real ``cleverinvo serve`` to a real SMTP server on loopback."""

import datetime as dt
import io
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdf
import pytest
from aiosmtpd.controller import Controller

from cleverinvo.core.delivery import config
from tests.mail import Handler, MailServer, free_port
from tests.server.helpers import Server, make_client, make_invoice, make_quote, start_server


@pytest.fixture(scope="module")
def mailing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, MailServer, Path]]:
    """A server whose mail server is whatever its config.toml names (so each test can choose), an SMTP server
    on loopback, and that config.toml."""
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp = MailServer(controller.hostname, controller.port, handler)
    tmp = tmp_path_factory.mktemp("mailing")
    env = {
        "CLEVERINVO_SMTP_URL": "",
        "CLEVERINVO_CONFIG": str(tmp / "config.toml"),
        "CLEVERINVO_PUBLIC_URL": "https://invoices.orsted.example/",
        "CLEVERINVO_PASS_SECONDS": "1",
    }
    started = start_server(tmp, env=env)
    try:
        yield started, smtp, tmp / "config.toml"
    finally:
        started.stop()
        controller.stop()


@pytest.fixture
def seller(mailing, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    """A client of an account of this test's own, with a seller name and address, mailing to the SMTP server."""
    server, smtp, config_toml = mailing
    smtp.handler.received.clear()
    smtp.handler.refuse = None
    monkeypatch.setenv("CLEVERINVO_CONFIG", str(config_toml))
    config.save_smtp_url(smtp.url)
    with server.client(account=f"m{abs(hash(request.node.nodeid)) % 10**10}") as http:
        _set_seller(server, http)
        yield http


def _set_seller(server: Server, http: httpx.Client, **more: object) -> None:
    """The seller's name and address (and ``more`` settings), through the library."""
    import cleverinvo.core

    ci = cleverinvo.core.open(server.db)
    try:
        identity = ci.verify_key(http.headers["Authorization"].split()[1])
        settings = {"sellerName": "Ørsted Design", "sellerEmail": "billing@orsted.example", **more}
        ci.books_for(identity).settings.update(settings)
    finally:
        ci.close()


def test_send_by_email_through_the_api(mailing, seller) -> None:
    _server, smtp, _ = mailing
    client = make_client(seller)
    invoice = make_invoice(seller, client["id"], invoiceNumber="API-7")

    response = seller.post(f"/api/v1/invoices/{invoice['id']}/send", json={"viaEmail": True, "cc": "cfo@acme.example"})

    assert response.status_code == 200, response.text
    sent = response.json()["data"]
    assert (sent["status"], sent["sentViaEmail"]) == ("SENT", True)
    assert sent["viewUrl"].startswith("https://invoices.orsted.example/view/")
    assert len(sent["viewUrl"].rsplit("/", 1)[1]) >= 22  # 128+ bits
    [got] = smtp.received
    assert sorted(got.recipients) == ["billing@acme.example", "cfo@acme.example"]
    assert got.message["Subject"] == "Invoice API-7 from Ørsted Design"
    assert sent["viewUrl"] in got.text and f'href="{sent["viewUrl"]}"' in got.html
    [attached] = got.attachments()
    assert attached.get_filename() == "API-7.pdf"
    pdf = seller.get(f"/api/v1/invoices/{invoice['id']}/pdf").content
    assert attached.get_content() == pdf
    assert "API-7" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    again = seller.post(f"/api/v1/invoices/{invoice['id']}/send", json={"viaEmail": True})
    assert again.status_code == 200 and len(smtp.received) == 2
    history = seller.get(f"/api/v1/invoices/{invoice['id']}/events").json()["data"]
    key_prefix = seller.headers["Authorization"].split()[1][:12]
    assert [(e["type"], e["actor"]) for e in history][-3:] == [
        ("issued", key_prefix),
        ("emailed", key_prefix),
        ("emailed", key_prefix),
    ]
    assert history[-1]["detail"]["to"] == ["billing@acme.example"]


def test_a_quote_is_e_mailed_on_the_same_path(mailing, seller) -> None:
    _server, smtp, _ = mailing
    quote = make_quote(seller, make_client(seller)["id"], quoteNumber="QAPI-3", validUntil="2099-12-31")
    path = f"/api/v1/quotes/{quote['id']}/send"

    response = seller.post(path, json={"viaEmail": True, "subject": "Our offer {number}"})

    assert response.status_code == 200, response.text
    sent = response.json()["data"]
    assert sent["status"] == "SENT" and sent["sentAt"]
    assert sent["viewUrl"].startswith("https://invoices.orsted.example/view/")
    [got] = smtp.received
    assert got.recipients == ["billing@acme.example"] and got.message["Subject"] == "Our offer QAPI-3"
    assert sent["viewUrl"] in got.text and "accept or decline" in got.text and "Dec 31, 2099" in got.text
    [attached] = got.attachments()
    assert attached.get_filename() == "QAPI-3.pdf"
    assert attached.get_content() == seller.get(f"/api/v1/quotes/{quote['id']}/pdf").content
    assert seller.post(path, json={"viaEmail": True}).status_code == 200 and len(smtp.received) == 2
    assert seller.post(path, json={}).status_code == 409  # marking it sent again
    history = seller.get(f"/api/v1/quotes/{quote['id']}/events").json()["data"]
    key_prefix = seller.headers["Authorization"].split()[1][:12]
    assert [(e["type"], e["actor"]) for e in history] == [
        ("created", key_prefix),
        ("issued", key_prefix),
        ("emailed", key_prefix),
        ("emailed", key_prefix),
    ]
    assert history[-1]["detail"]["to"] == ["billing@acme.example"]


QUOTE_LINES = [
    {"description": "Design", "quantity": 12, "unitPrice": 95.5, "taxRate": 19, "discountRate": 10},
    {"description": "Hosting", "quantity": 3, "unitPrice": 9.99, "taxRate": 7},
]


def test_a_quote_e_mailed_is_accepted_on_its_page_in_chromium_and_becomes_its_invoice(mailing, seller, browser):
    """The Done-when of issue 17: quote → send → accept through the view page → convert → the invoice holds the
    quote's lines and totals; a second conversion is 409."""
    server, smtp, _ = mailing
    client = make_client(seller)
    body = {"lineItems": QUOTE_LINES, "currency": "EUR", "validUntil": "2099-12-31", "notes": "Thanks"}
    quote = make_quote(seller, client["id"], **body)
    url = f"/api/v1/quotes/{quote['id']}"
    assert seller.post(f"{url}/send", json={"viaEmail": True}).status_code == 200
    [got] = smtp.received
    public = seller.get(url).json()["data"]["viewUrl"]
    assert public in got.text
    link = server.url + public.removeprefix("https://invoices.orsted.example")  # the public address, here

    problems: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(link)
    assert page.title() == f"Quote {quote['quoteNumber']}"
    assert page.locator(".badge").inner_text() == "Sent"
    assert "€1,259.44" in page.locator(".answer").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept").click()
    assert page.url == link  # back on the page, which now says so
    assert "You accepted this quote. Thank you!" in page.locator(".answer").inner_text()
    assert page.locator(".badge").inner_text() == "Accepted" and page.get_by_role("button").count() == 0
    page.close()
    assert problems == []

    accepted = seller.get(url).json()["data"]
    assert accepted["status"] == "ACCEPTED" and accepted["answeredAt"]
    again = httpx.post(f"{link}/accept", follow_redirects=False)  # a second press: nothing more happens
    assert again.status_code == 303 and again.headers["location"].endswith(public.rsplit("/", 1)[1])
    changed_mind = httpx.post(f"{link}/decline", follow_redirects=False)
    assert changed_mind.status_code == 409 and "You accepted this quote" in changed_mind.text
    assert seller.get(url).json()["data"] == accepted
    history = seller.get(f"{url}/events").json()["data"]
    assert [e["type"] for e in history].count("accepted") == 1 and "declined" not in [e["type"] for e in history]
    assert next(e for e in history if e["type"] == "accepted")["actor"] == "system"

    converted = seller.post(f"{url}/invoice")
    assert converted.status_code == 201
    invoice = converted.json()["data"]
    assert invoice["quoteId"] == quote["id"] and invoice["status"] == "DRAFT"
    for key in ("lineItems", "taxes", "subtotal", "discountTotal", "taxTotal", "total", "currency", "notes"):
        assert invoice[key] == accepted[key], key
    second = seller.post(f"{url}/invoice")
    assert second.status_code == 409 and "already been made into an invoice" in second.json()["error"]


def test_a_quote_that_cannot_be_e_mailed_stays_a_draft(mailing, seller) -> None:
    _server, smtp, _ = mailing
    quote = make_quote(seller, make_client(seller)["id"])
    path = f"/api/v1/quotes/{quote['id']}/send"
    smtp.handler.refuse = "550 5.7.1 Relaying denied"
    refused = seller.post(path, json={"viaEmail": True})
    assert refused.json() == {"error": "The mail server refused the message: 550 5.7.1 Relaying denied"}
    assert refused.status_code == 502
    assert seller.post(path, json={"viaEmail": False, "to": "x@y.example"}).status_code == 400
    config.save_smtp_url(None)
    assert seller.post(path, json={"viaEmail": True}).status_code == 409
    after = seller.get(f"/api/v1/quotes/{quote['id']}").json()["data"]
    assert after == quote and after["status"] == "DRAFT" and after["viewUrl"] is None
    assert [e["type"] for e in seller.get(f"/api/v1/quotes/{quote['id']}/events").json()["data"]] == ["created"]
    assert not smtp.received


def test_failures_change_nothing(mailing, seller) -> None:
    _server, smtp, _ = mailing
    nobody = seller.post("/api/v1/clients", json={"name": "No Mail"}).json()["data"]
    draft = make_invoice(seller, nobody["id"])
    path = f"/api/v1/invoices/{draft['id']}/send"

    no_address = seller.post(path, json={"viaEmail": True})
    assert no_address.status_code == 400 and "No e-mail address" in no_address.json()["error"]

    smtp.handler.refuse = "550 5.7.1 Relaying denied"
    refused = seller.post(path, json={"viaEmail": True, "to": "ap@acme.example"})
    assert refused.status_code == 502
    assert refused.json() == {"error": "The mail server refused the message: 550 5.7.1 Relaying denied"}

    after = seller.get(f"/api/v1/invoices/{draft['id']}").json()["data"]
    assert after == draft and after["status"] == "DRAFT" and after["viewUrl"] is None
    assert not smtp.received


def test_no_mail_server_down_or_without_starttls(mailing, seller) -> None:
    _server, smtp, _ = mailing
    draft = make_invoice(seller, make_client(seller)["id"])
    path = f"/api/v1/invoices/{draft['id']}/send"
    for url, status, reason in (
        (None, 409, "No mail server is configured"),
        (f"smtp://127.0.0.1:{free_port()}?timeout=5", 502, "Cannot reach the mail server 127.0.0.1"),
        (f"{smtp.url}?starttls=require", 502, "The mail server 127.0.0.1 does not offer STARTTLS"),
    ):
        config.save_smtp_url(url)
        response = seller.post(path, json={"viaEmail": True})
        assert response.status_code == status and reason in response.json()["error"]
        assert seller.get(f"/api/v1/invoices/{draft['id']}").json()["data"] == draft
    assert not smtp.received


def test_serve_sends_due_reminders_by_itself(mailing, seller) -> None:
    server, smtp, _ = mailing
    _set_seller(server, seller, reminderDays=[1, 30])
    today = dt.date.today()
    past = {"issueDate": str(today - dt.timedelta(days=20)), "dueDate": str(today - dt.timedelta(days=2))}
    invoice = make_invoice(seller, make_client(seller)["id"], invoiceNumber="LATE-1", **past)
    assert seller.post(f"/api/v1/invoices/{invoice['id']}/send", json={"viaEmail": True}).status_code == 200
    deadline = time.monotonic() + 20
    while len(smtp.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # passes go on every second: nothing more may come
    assert [got.message["Subject"] for got in smtp.received] == [
        "Invoice LATE-1 from Ørsted Design",
        "Reminder: invoice LATE-1 is due",
    ]
    history = seller.get(f"/api/v1/invoices/{invoice['id']}/events").json()["data"]
    assert [(e["detail"]["days"], e["actor"]) for e in history if e["type"] == "reminder_sent"] == [(1, "system")]
