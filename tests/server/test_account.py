"""The account over the API: its settings (GET and PATCH /api/v1/account), its logo (PUT, GET and DELETE
/api/v1/account/logo), and the business-document fields of clients, invoices and lines, on a real server."""

import io

import httpx
import pytest
from PIL import Image

from tests.server.helpers import make_client, make_invoice

SETTINGS = {
    "sellerName": "Zoë Ørsted",
    "sellerAddress": "Hauptstraße 5\nHinterhaus",
    "sellerPostalCode": "10115",
    "sellerCity": "Berlin",
    "sellerCountry": "DE",
    "sellerEmail": "zoe@studio.example",
    "sellerPhone": "+49 30 1234567",
    "sellerTaxId": "DE123456789",
    "sellerRegistration": "HRB 12345",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "bankName": "Commerzbank",
    "numberPrefix": "RE-",
    "numberWidth": 5,
    "nextNumber": 7,
    "creditNotePrefix": "GS-",
    "quotePrefix": "AN-",
    "defaultCurrency": "EUR",
    "paymentTermsDays": 14,
    "defaultNotes": "Danke!",
    "defaultTerms": "Zahlbar ohne Abzug.",
    "language": "de",
    "paperSize": "Letter",
    "reminderDays": [14, 3, 30],
    "eInvoice": True,
}


def image(kind: str, size: tuple[int, int] = (120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, kind)
    return out.getvalue()


def test_a_new_account_shows_every_setting_with_its_default(api: httpx.Client) -> None:
    response = api.get("/api/v1/account")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["plan"] == "unlimited" and data["name"].startswith("t")
    expected = {  # the test server's keys come with a seller name, so that invoices can be sent
        "sellerCountry": None,
        "iban": None,
        "numberPrefix": "INV-",
        "numberWidth": 4,
        "nextNumber": 1,
        "creditNotePrefix": "CN-",
        "quotePrefix": "QUO-",
        "defaultCurrency": "USD",
        "paymentTermsDays": 30,
        "language": "en",
        "paperSize": "A4",
        "reminderDays": [],
        "eInvoice": False,
        "logo": None,
    }
    assert {key: data[key] for key in expected} == expected
    assert set(SETTINGS) <= set(data)


def test_patch_changes_only_what_is_sent(api: httpx.Client) -> None:
    response = api.patch("/api/v1/account", json=SETTINGS)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["iban"] == "DE89370400440532013000"
    assert data["reminderDays"] == [3, 14, 30]
    assert {key: data[key] for key in SETTINGS if key not in ("iban", "reminderDays")} == {
        key: value for key, value in SETTINGS.items() if key not in ("iban", "reminderDays")
    }
    again = api.patch("/api/v1/account", json={"sellerCity": "Hamburg"}).json()["data"]
    assert again == {**data, "sellerCity": "Hamburg"}
    assert api.get("/api/v1/account").json()["data"] == again
    client = make_client(api)
    invoice = make_invoice(api, client["id"])
    assert (invoice["invoiceNumber"], invoice["currency"], invoice["language"], invoice["notes"]) == (
        "RE-00007",
        "EUR",
        "de",
        "Danke!",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"plan": "free"}, "Invalid field: plan is not a setting and cannot be changed here"),
        ({"name": "other"}, "Invalid field: name is not a setting and cannot be changed here"),
        ({"iban": "DE89370400440532013001"}, "Invalid field: iban is not a valid IBAN: invalid checksum digits"),
        ({"bic": "NOTABIC!"}, "Invalid field: bic is not a valid BIC"),
        ({"sellerCountry": "Germany"}, "Invalid field: sellerCountry must be an ISO 3166-1 alpha-2 country code"),
        ({"language": "ja"}, "Invalid field: language must be one of en, de, fr, es, it, nl, pl, pt"),
        ({"reminderDays": [0, 3]}, "Invalid field: reminderDays must hold whole numbers of days from 1 to 3650"),
        ({"eInvoice": 1}, "Invalid field: eInvoice must be true or false"),
        ({"paperSize": "A5"}, "Invalid field: paperSize must be A4 or Letter"),
        ({"sellerName": "山田"}, 'Invalid field: sellerName contains "山" (U+5C71 CJK UNIFIED IDEOGRAPH-5C71)'),
        ({"colour": "red"}, "Unknown field: colour"),
        ([], "Invalid input: The request body must be a JSON object"),
    ],
)
def test_bad_settings_are_400_and_change_nothing(api: httpx.Client, body: object, message: str) -> None:
    before = api.get("/api/v1/account").json()["data"]
    response = api.patch("/api/v1/account", json=body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert api.get("/api/v1/account").json()["data"] == before


def test_account_settings_are_the_keys_own_account(server, api: httpx.Client) -> None:
    api.patch("/api/v1/account", json={"sellerName": "Mine"})
    with server.client(account="someone-else") as other:
        assert other.get("/api/v1/account").json()["data"]["sellerName"] != "Mine"
    assert httpx.get(server.url + "/api/v1/account").status_code == 401


def test_a_logo_is_uploaded_reencoded_read_back_and_removed(api: httpx.Client) -> None:
    sent = image("PNG")
    response = api.put("/api/v1/account/logo", content=sent, headers={"Content-Type": "image/png"})
    assert response.status_code == 200, response.text
    assert {k: v for k, v in response.json()["data"]["logo"].items() if k != "updatedAt"} == {
        "mediaType": "image/png",
        "width": 120,
        "height": 60,
    }
    stored = api.get("/api/v1/account/logo")
    assert stored.status_code == 200 and stored.headers["content-type"] == "image/png"
    assert stored.content != sent and Image.open(io.BytesIO(stored.content)).size == (120, 60)
    jpeg = api.put("/api/v1/account/logo", content=image("JPEG"), headers={"Content-Type": "image/jpeg"})
    assert jpeg.json()["data"]["logo"]["mediaType"] == "image/jpeg"
    deleted = api.delete("/api/v1/account/logo")
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.get("/api/v1/account").json()["data"]["logo"] is None
    missing = api.get("/api/v1/account/logo")
    assert missing.status_code == 404 and missing.json() == {"error": "This account has no logo"}


BAD_LOGOS = {
    "gif": (lambda: image("GIF"), "image/gif", 415, "Invalid logo: it must be image/png or image/jpeg, not image/gif"),
    "no type": (lambda: image("PNG"), None, 415, "Invalid logo: send it with Content-Type image/png or image/jpeg"),
    "json": (lambda: image("PNG"), "application/json", 415, "Invalid logo: it must be image/png or image/jpeg"),
    "600 KiB": (lambda: b"\x89PNG" + bytes(600 * 1024), "image/png", 413, "Invalid logo: it must be at most 512 KiB"),
    "2 MiB": (lambda: bytes(2 * 1024 * 1024), "image/png", 413, "Request body too large"),
    "garbage": (lambda: b"not an image", "image/png", 400, "Invalid logo: it is not a PNG or JPEG image that can be"),
    "mislabelled": (lambda: image("JPEG"), "image/png", 400, "Invalid logo: it was sent as image/png but is a JPEG"),
    "empty": (lambda: b"", "image/jpeg", 400, "Invalid logo: the image is empty"),
}


@pytest.mark.parametrize("case", BAD_LOGOS)
def test_bad_logos_are_refused_and_keep_the_old_one(api: httpx.Client, case: str) -> None:
    make, content_type, status, message = BAD_LOGOS[case]
    content = make()
    api.put("/api/v1/account/logo", content=image("PNG"), headers={"Content-Type": "image/png"})
    kept = api.get("/api/v1/account/logo").content
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.put("/api/v1/account/logo", content=content, headers=headers)
    assert response.status_code == status
    assert response.json()["error"].startswith(message)
    assert api.get("/api/v1/account/logo").content == kept


def test_client_and_invoice_business_fields_round_trip(api: httpx.Client) -> None:
    made = api.post(
        "/api/v1/clients",
        json={"name": "Łódź Sp. z o.o.", "address": "ul. Piotrkowska 1", "postalCode": "90-001", "city": "Łódź"}
        | {"country": "PL", "language": "pl"},
    )
    assert made.status_code == 201, made.text
    client = made.json()["data"]
    assert (client["postalCode"], client["city"], client["country"], client["language"]) == (
        "90-001",
        "Łódź",
        "PL",
        "pl",
    )
    body = {
        "clientId": client["id"],
        "buyerReference": "PO-4711",
        "servicePeriodStart": "2026-11-01",
        "servicePeriodEnd": "2026-11-30",
        "taxExemptionReason": "Odwrotne obciążenie",
        "lineItems": [
            {"description": "Consulting", "quantity": 10, "unitPrice": 100, "taxCategory": "AE"},
            {"description": "Books", "quantity": 1, "unitPrice": 20},
            {"description": "Design", "quantity": 1, "unitPrice": 100, "taxRate": 23},
        ],
    }
    response = api.post("/api/v1/invoices", json=body)
    assert response.status_code == 201, response.text
    invoice = response.json()["data"]
    assert (invoice["language"], invoice["buyerReference"], invoice["serviceDate"]) == ("pl", "PO-4711", None)
    assert (invoice["servicePeriodStart"], invoice["servicePeriodEnd"]) == ("2026-11-01", "2026-11-30")
    assert invoice["taxExemptionReason"] == "Odwrotne obciążenie"
    assert [li["taxCategory"] for li in invoice["lineItems"]] == ["AE", "Z", "S"]
    assert invoice["taxes"] == [
        {"category": "AE", "rate": 0, "base": 1000, "tax": 0},
        {"category": "Z", "rate": 0, "base": 20, "tax": 0},
        {"category": "S", "rate": 23, "base": 100, "tax": 23},
    ]
    changed = api.patch(f"/api/v1/invoices/{invoice['id']}", json={"language": "en", "serviceDate": "2026-11-30"})
    assert changed.status_code == 400 and "not both" in changed.json()["error"]
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"] == invoice


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1, "taxCategory": "E"}]}, "Missing required"),
        ({"lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1, "taxRate": 7, "taxCategory": "Z"}]}, "Z ("),
        ({"servicePeriodStart": "2026-11-02", "servicePeriodEnd": "2026-11-01"}, "servicePeriodEnd must not be"),
        ({"notes": "Danke → ✓ ≤ 日本"}, "Invalid field: notes contains"),
        ({"language": "xx"}, "Invalid field: language must be one of"),
    ],
)
def test_bad_business_fields_are_400(api: httpx.Client, change: dict, message: str) -> None:
    client = make_client(api)
    invoice = make_invoice(api, client["id"])
    response = api.patch(f"/api/v1/invoices/{invoice['id']}", json=change)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"] == invoice
