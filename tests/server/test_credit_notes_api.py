"""Credit notes over HTTP: the SPEC's shapes, their own numbering, refusals that change nothing, VOID filtering,
amountCredited and amountDue, the PDF and the invoice's history."""

import io

from pypdf import PdfReader

from tests.server.helpers import make_client, make_invoice

SHAPE = {
    "id",
    "creditNoteNumber",
    "invoiceId",
    "issueDate",
    "lineItems",
    "subtotal",
    "taxTotal",
    "discountTotal",
    "total",
    "reason",
    "createdAt",
}


def issued(api, client_id: str) -> dict:
    made = make_invoice(api, client_id, dueDate="2999-01-01")  # 2 × 50 = 100
    assert api.post(f"/api/v1/invoices/{made['id']}/send", json={}).status_code == 200
    return made


def test_partial_and_full_credit_notes(api):
    client = make_client(api)
    invoice = issued(api, client["id"])
    part = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "One hour less", "lineItems": [{"description": "Work", "quantity": 1, "unitPrice": 50}]},
    )
    assert part.status_code == 201, part.text
    first = part.json()["data"]
    assert set(first) >= SHAPE
    assert (first["creditNoteNumber"], first["invoiceId"], first["total"], first["reason"]) == (
        "CN-0001",
        invoice["id"],
        50,
        "One hour less",
    )
    after = api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]
    assert (after["status"], after["amountCredited"], after["amountDue"]) == ("PARTIALLY_PAID", 50, 50)

    refused = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "too much", "lineItems": [{"description": "Work", "quantity": 2, "unitPrice": 50}]},
    )
    assert refused.status_code == 400 and "more than is left" in refused.json()["error"]
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"] == after

    rest = api.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Cancelled"})
    assert rest.status_code == 201 and rest.json()["data"]["creditNoteNumber"] == "CN-0002"
    assert rest.json()["data"]["total"] == 50
    void = api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]
    assert (void["status"], void["amountCredited"], void["amountDue"]) == ("VOID", 100, 0)
    again = api.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "x"})
    assert again.status_code == 409

    listed = api.get("/api/v1/invoices?status=VOID").json()
    assert [i["id"] for i in listed["data"]] == [invoice["id"]]
    notes = api.get(f"/api/v1/credit-notes?invoiceId={invoice['id']}").json()
    assert [c["creditNoteNumber"] for c in notes["data"]] == ["CN-0002", "CN-0001"] and notes["total"] == 2
    assert api.get("/api/v1/credit-notes?search=cn-0001").json()["data"][0]["id"] == first["id"]
    assert api.get(f"/api/v1/credit-notes/{first['id']}").json()["data"] == first
    types = [e["type"] for e in api.get(f"/api/v1/invoices/{invoice['id']}/events").json()["data"]]
    assert types == ["created", "issued", "credited", "credited"]

    pdf = api.get(f"/api/v1/credit-notes/{first['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="CN-0001.pdf"'
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"Credit note CN-0001 for invoice {invoice['invoiceNumber']}" in text
    assert api.get(f"/api/v1/credit-notes/{first['id']}/pdf").content == pdf.content


def test_refusals_change_nothing(api, server):
    client = make_client(api)
    draft = make_invoice(api, client["id"])
    assert api.post(f"/api/v1/invoices/{draft['id']}/credit-notes", json={"reason": "x"}).status_code == 409
    invoice = issued(api, client["id"])
    for body in ({}, {"reason": ""}, {"reason": "x", "lineItems": []}, {"reason": "x", "extra": 1}, []):
        answer = api.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json=body)
        assert answer.status_code == 400 and "error" in answer.json()
    assert api.post("/api/v1/invoices/nope/credit-notes", json={"reason": "x"}).status_code == 404
    assert api.get("/api/v1/credit-notes").json()["total"] == 0
    assert api.get("/api/v1/credit-notes/nope").status_code == 404
    assert api.get("/api/v1/credit-notes?invoiceId=x&bogus=1").status_code == 400
    assert api.get("/api/v1/credit-notes?limit=0").status_code == 400
    made = api.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "x"}).json()["data"]
    with server.client(account="credit-stranger") as stranger:
        assert stranger.get(f"/api/v1/credit-notes/{made['id']}").status_code == 404
        assert stranger.get(f"/api/v1/credit-notes/{made['id']}/pdf").status_code == 404
        assert stranger.get("/api/v1/credit-notes").json()["total"] == 0


def test_amount_due_with_payments_and_credits(api):
    invoice = issued(api, make_client(api)["id"])
    api.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 30, "date": "2024-01-01"})
    api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "goodwill", "lineItems": [{"description": "Goodwill", "quantity": 1, "unitPrice": 20}]},
    )
    mixed = api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]
    assert (mixed["amountPaid"], mixed["amountCredited"], mixed["amountDue"], mixed["status"]) == (
        30,
        20,
        50,
        "PARTIALLY_PAID",
    )
    too_much = api.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 51})
    assert too_much.status_code == 400
    assert api.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 50}).status_code == 201
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]["status"] == "PAID"
