"""The seed's documented examples, sent verbatim, give the seed's documented responses field for field."""

import io

from pypdf import PdfReader

from tests.server.helpers import JSON, SEED_CLIENT, SEED_INVOICE, SEED_UPDATE


def test_seed_examples_end_to_end(api):
    created = api.post("/api/v1/clients", content=SEED_CLIENT, headers=JSON)
    assert created.status_code == 201
    client = created.json()["data"]
    assert {k: client[k] for k in ("name", "email", "address", "taxId", "phone", "notes", "isActive")} == {
        "name": "Acme Corp",
        "email": "billing@acme.example",
        "address": "123 Main St, New York, NY 10001",
        "taxId": "US-123456789",
        "phone": "+1-555-0100",
        "notes": "Net 30 terms",
        "isActive": True,
    }
    assert client["createdAt"].endswith("Z") and len(client["createdAt"]) == len("2024-01-15T00:00:00.000Z")

    listed = api.get("/api/v1/clients").json()
    assert listed["data"] == [client]
    assert (listed["total"], listed["page"], listed["limit"], listed["totalPages"]) == (1, 1, 20, 1)

    update = api.put(f"/api/v1/clients/{client['id']}", json={"name": "Acme Corporation", "phone": "+1-555-0200"})
    assert update.json()["data"]["name"] == "Acme Corporation"
    assert update.json()["data"]["address"] == "123 Main St, New York, NY 10001"

    made = api.post("/api/v1/invoices", content=SEED_INVOICE % client["id"], headers=JSON)
    assert made.status_code == 201
    assert '"total":5500.00' in made.text
    data = made.json()["data"]
    assert (data["invoiceNumber"], data["total"], data["status"]) == ("INV-0042", 5500, "DRAFT")

    full = api.get(f"/api/v1/invoices/{data['id']}")
    assert '"subtotal":5000.00' in full.text and '"taxTotal":500.00' in full.text
    detail = full.json()["data"]
    assert detail["lineItems"] == [
        {
            "description": "Web Development",
            "quantity": 40,
            "unitPrice": 125.00,
            "amount": 5000.00,
            "taxRate": 10,
            "discountRate": 0,
            "discount": 0,
            "taxCategory": "S",  # an addition: standard rate, as the rate is above 0
        }
    ]
    assert (detail["currency"], detail["issueDate"], detail["dueDate"]) == ("USD", "2024-06-01", "2024-07-01")
    assert (detail["notes"], detail["terms"]) == ("Thank you for your business", "Payment due within 30 days")
    assert (detail["sentViaEmail"], detail["sentAt"], detail["paidAt"]) == (False, None, None)
    assert detail["client"] == {"name": "Acme Corporation", "email": "billing@acme.example"}

    updated = api.put(f"/api/v1/invoices/{data['id']}", content=SEED_UPDATE, headers=JSON)
    assert updated.status_code == 200
    assert '"total":6875.00' in updated.text
    assert (updated.json()["data"]["status"], updated.json()["data"]["invoiceNumber"]) == ("DRAFT", "INV-0042")

    pdf = api.get(f"/api/v1/invoices/{data['id']}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="INV-0042.pdf"'
    assert pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "INV-0042" in text and "$6,875.00" in text and "$5,500.00" not in text  # the update, never the old PDF

    summary = api.get("/api/v1/invoices").json()["data"][0]
    assert summary["client"] == {"name": "Acme Corporation", "email": "billing@acme.example"}
    assert summary["total"] == 6875

    assert api.delete(f"/api/v1/invoices/{data['id']}").status_code == 204
    assert api.get(f"/api/v1/invoices/{data['id']}/pdf").status_code == 404


def test_money_is_exact_in_json(api):
    client = api.post("/api/v1/clients", json={"name": "Exact"}).json()["data"]
    body = (
        '{"clientId": "%s", "currency": "USD", "lineItems": ['
        '{"description": "a", "quantity": 3, "unitPrice": 0.1},'
        '{"description": "b", "quantity": 1, "unitPrice": 0.2}]}'
    ) % client["id"]
    made = api.post("/api/v1/invoices", content=body, headers=JSON)
    assert '"total":0.50' in made.text and "0000000" not in made.text
    yen = api.post(
        "/api/v1/invoices",
        content='{"clientId": "%s", "currency": "JPY", "lineItems": [{"description": "a", "quantity": 3, '
        '"unitPrice": 1223.4, "taxRate": 10}]}' % client["id"],
        headers=JSON,
    )
    assert '"total":4037' in yen.text and '"currency":"JPY"' in yen.text
