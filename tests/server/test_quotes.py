"""Quotes over the API of a real ``cleverinvo serve``: the whole life of a quote into an invoice, expiry, and every
error path."""

import io

import pypdf
import pytest

from tests.server.helpers import make_client, make_quote

LINES = [
    {"description": "Design", "quantity": 12, "unitPrice": 95.5, "taxRate": 19, "discountRate": 10},
    {"description": "Hosting", "quantity": 3, "unitPrice": 9.99, "taxRate": 7},
]


def test_quote_send_accept_convert_and_the_invoice_holds_its_lines_and_totals(api):
    client = make_client(api)
    body = {"clientId": client["id"], "lineItems": LINES, "notes": "Thanks", "terms": "30 days", "currency": "EUR"}
    created = api.post("/api/v1/quotes", json=body)
    assert created.status_code == 201 and created.headers["location"].endswith(created.json()["data"]["id"])
    quote = created.json()["data"]
    assert (quote["quoteNumber"], quote["status"], quote["invoiceId"]) == ("QUO-0001", "DRAFT", None)
    assert (quote["subtotal"], quote["discountTotal"], quote["taxTotal"], quote["total"]) == (
        1175.97,
        114.6,
        198.07,
        1259.44,
    )
    url = f"/api/v1/quotes/{quote['id']}"
    assert api.get(url).json()["data"] == quote
    pdf = api.get(f"{url}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="QUO-0001.pdf"' in pdf.headers["content-disposition"]
    assert "Quote number" in pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert api.post(f"{url}/accept").status_code == 409  # not sent yet
    sent = api.post(f"{url}/send", json={}).json()["data"]
    assert sent["status"] == "SENT" and sent["sentAt"]
    accepted = api.post(f"{url}/accept").json()["data"]
    assert accepted["status"] == "ACCEPTED" and accepted["answeredAt"]
    converted = api.post(f"{url}/invoice")
    assert converted.status_code == 201
    invoice = converted.json()["data"]
    assert invoice["quoteId"] == quote["id"] and invoice["status"] == "DRAFT" and invoice["invoiceNumber"] == "INV-0001"
    for key in ("subtotal", "discountTotal", "taxTotal", "total", "lineItems", "taxes", "notes", "terms", "currency"):
        assert invoice[key] == quote[key], key
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]["quoteId"] == quote["id"]
    assert api.get(url).json()["data"]["invoiceId"] == invoice["id"]
    again = api.post(f"{url}/invoice")
    assert again.status_code == 409 and "already been made into an invoice" in again.json()["error"]
    assert api.get("/api/v1/invoices").json()["total"] == 1


def test_an_unanswered_sent_quote_past_valid_until_is_expired(api):
    client = make_client(api)
    old = make_quote(api, client["id"], issueDate="2021-03-01", validUntil="2021-03-31")
    fresh = make_quote(api, client["id"])
    assert old["status"] == "DRAFT"  # a draft never expires
    api.post(f"/api/v1/quotes/{old['id']}/send")
    api.post(f"/api/v1/quotes/{fresh['id']}/send")
    assert api.get(f"/api/v1/quotes/{old['id']}").json()["data"]["status"] == "EXPIRED"
    expired = api.get("/api/v1/quotes", params={"status": "EXPIRED"}).json()
    assert [q["id"] for q in expired["data"]] == [old["id"]] and expired["total"] == 1
    assert [q["id"] for q in api.get("/api/v1/quotes", params={"status": "SENT"}).json()["data"]] == [fresh["id"]]
    refused = api.post(f"/api/v1/quotes/{old['id']}/accept")
    assert refused.status_code == 409 and "expired on 2021-03-31" in refused.json()["error"]
    assert api.post(f"/api/v1/quotes/{old['id']}/decline").json()["data"]["status"] == "DECLINED"
    declined = api.post(f"/api/v1/quotes/{old['id']}/invoice")
    assert declined.status_code == 409 and "declined" in declined.json()["error"]
    assert api.get("/api/v1/invoices").json()["total"] == 0


def test_list_pages_search_and_filters(api):
    acme, zoe = make_client(api, "Acme Corp"), make_client(api, "Zoë Studio")
    for _ in range(3):
        make_quote(api, acme["id"])
    mine = make_quote(api, zoe["id"], quoteNumber="ZQ-7")
    page = api.get("/api/v1/quotes", params={"limit": 2, "page": 2}).json()
    assert (page["total"], page["totalPages"], len(page["data"])) == (4, 2, 2)
    assert [q["id"] for q in api.get("/api/v1/quotes", params={"search": "zoe"}).json()["data"]] == [mine["id"]]
    assert api.get("/api/v1/quotes", params={"search": "zq-"}).json()["total"] == 1
    assert api.get("/api/v1/quotes", params={"clientId": acme["id"]}).json()["total"] == 3
    assert api.get("/api/v1/quotes", params={"status": "DRAFT"}).json()["total"] == 4


def test_drafts_only_are_changed_and_deleted_and_numbers_given_back(api):
    client = make_client(api)
    first, second = make_quote(api, client["id"]), make_quote(api, client["id"])
    url = f"/api/v1/quotes/{second['id']}"
    changed = api.patch(url, json={"lineItems": [{"description": "More", "quantity": 1, "unitPrice": 10}]})
    assert changed.status_code == 200 and changed.json()["data"]["total"] == 10
    assert api.put(url, json={"notes": "put"}).json()["data"]["notes"] == "put"
    assert api.delete(url).status_code == 204 and api.get(url).status_code == 404
    assert make_quote(api, client["id"])["quoteNumber"] == "QUO-0002"  # the newest number given back
    api.post(f"/api/v1/quotes/{first['id']}/send")
    for response in (
        api.patch(f"/api/v1/quotes/{first['id']}", json={"notes": "late"}),
        api.delete(f"/api/v1/quotes/{first['id']}"),
        api.post(f"/api/v1/quotes/{first['id']}/send"),
    ):
        assert response.status_code == 409, response.text
    assert api.get(f"/api/v1/quotes/{first['id']}").json()["data"]["status"] == "SENT"


def test_e_mailing_a_quote_without_a_mail_server_is_409_and_changes_nothing(api):
    quote = make_quote(api, make_client(api)["id"])
    refused = api.post(f"/api/v1/quotes/{quote['id']}/send", json={"viaEmail": True})
    assert refused.status_code == 409 and "No mail server is configured" in refused.json()["error"]
    assert api.get(f"/api/v1/quotes/{quote['id']}").json()["data"] == quote


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"validUntil": "2030-01-01", "issueDate": "2030-02-01"}, "validUntil must not be before issueDate"),
        ({"dueDate": "2030-01-01"}, "Unknown field: dueDate"),
        ({"lineItems": []}, "lineItems must have at least one item"),
        ({"lineItems": [{"description": "X", "quantity": -1, "unitPrice": 1}]}, "lineItems[0].quantity"),
        ({"language": "xx"}, "language"),
        ({"clientId": "nobody"}, "clientId"),
    ],
)
def test_bad_bodies_are_400_and_change_nothing(api, change, message):
    client = make_client(api)
    refused = api.post("/api/v1/quotes", json={"clientId": client["id"], "lineItems": LINES, **change})
    assert refused.status_code in (400, 404), refused.text
    assert message in refused.json()["error"]
    assert api.get("/api/v1/quotes").json()["total"] == 0


def test_unknown_and_other_accounts_quotes_are_404(server, api):
    quote = make_quote(api, make_client(api)["id"])
    with server.client(account="quotes-other") as other:
        for method, suffix in (
            ("GET", ""),
            ("PATCH", ""),
            ("DELETE", ""),
            ("GET", "/pdf"),
            ("POST", "/send"),
            ("POST", "/accept"),
            ("POST", "/decline"),
            ("POST", "/invoice"),
        ):
            kwargs = {"json": {"notes": "x"}} if method == "PATCH" else {}
            response = other.request(method, f"/api/v1/quotes/{quote['id']}{suffix}", **kwargs)
            assert response.status_code == 404, (method, suffix)
            assert api.request(method, f"/api/v1/quotes/nope{suffix}", **kwargs).status_code == 404
        assert other.get("/api/v1/quotes").json()["total"] == 0
    assert api.get(f"/api/v1/quotes/{quote['id']}").json()["data"]["status"] == "DRAFT"
    assert api.get("/api/v1/quotes", params={"status": "PAID"}).status_code == 400
