"""Every status of the error table, produced by a real server: JSON ``{"error": …}`` and nothing changed."""

import httpx
import pytest

from tests.server.helpers import JSON, make_client, make_invoice, run_cli


def assert_error(response: httpx.Response, status: int, text: str | None = None) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["error"]
    assert set(response.json()) == {"error"}
    if text is not None:
        assert message == text
    assert "Traceback" not in response.text
    return message


def test_missing_name_gives_the_seed_text(api):
    assert_error(api.post("/api/v1/clients", json={"email": "a@b.example"}), 400, "Missing required field: name")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{", "Invalid JSON"),
        (b"", "Invalid JSON"),
        (b"\xff\xfe", "Invalid JSON"),
        (b"[]", "must be a JSON object"),
        (b'"name"', "must be a JSON object"),
        (b'{"name": "A", "colour": "red"}', "Unknown field: colour"),
        (b'{"name": 5}', "name must be a string"),
        (b'{"name": NaN}', "NaN is not allowed"),
        (b'{"name": "A", "email": Infinity}', "Infinity is not allowed"),
        (b"[" * 100000, "Invalid JSON"),
    ],
)
def test_bad_client_bodies_are_400_and_change_nothing(api, body, fragment):
    message = assert_error(api.post("/api/v1/clients", content=body, headers=JSON), 400)
    assert fragment in message
    assert api.get("/api/v1/clients").json()["total"] == 0


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"lineItems": [{"description": "x", "quantity": 1, "unitPrice": "12"}]}, "unitPrice must be a number"),
        ({"lineItems": [{"description": "x", "quantity": 0, "unitPrice": 1}]}, "quantity must be greater than 0"),
        ({"lineItems": []}, "lineItems must have at least one item"),
        ({"issueDate": "2024-02-30"}, "issueDate must be a date"),
        ({"issueDate": "2024-06-10", "dueDate": "2024-06-01"}, "dueDate must not be before issueDate"),
        ({"currency": "ABC"}, "not a known ISO 4217 currency code"),
        ({"clientId": "cdoesnotexist"}, "clientId does not name an active client"),
        ({"status": "PAID"}, "Unknown field: status"),
    ],
)
def test_bad_invoice_bodies_are_400_and_change_nothing(api, change, fragment):
    client = make_client(api)
    body = {"clientId": client["id"], "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1}], **change}
    assert fragment in assert_error(api.post("/api/v1/invoices", json=body), 400)
    assert api.get("/api/v1/invoices").json()["total"] == 0


def test_an_archived_client_is_not_a_valid_client_id(api):
    client = make_client(api)
    api.delete(f"/api/v1/clients/{client['id']}")
    body = {"clientId": client["id"], "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1}]}
    assert "clientId" in assert_error(api.post("/api/v1/invoices", json=body), 400)


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=x", "limit=0", "limit=101", "limit=1.5", "search=" + "x" * 256, "sort=name", "page=1&page=2"],
)
def test_bad_list_parameters_are_400(api, query):
    assert_error(api.get(f"/api/v1/clients?{query}"), 400)


def test_bad_invoice_filters_are_400(api):
    assert "status must be one of" in assert_error(api.get("/api/v1/invoices?status=LOST"), 400)


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Basic abc", "Bearer cinv_short", "Bearer " + "cinv_" + "x" * 43, "cinv_abc"],
)
def test_missing_malformed_or_unknown_keys_are_401(server, header):
    headers = {"Authorization": header} if header is not None else {}
    for path in ("/api/v1/clients", "/api/v1/invoices", "/api/v1/invoices/cx/pdf"):
        assert_error(httpx.get(server.url + path, headers=headers), 401)
    assert_error(httpx.post(server.url + "/api/v1/clients", json={"name": "x"}, headers=headers), 401)


def test_a_revoked_key_is_401(server):
    key = run_cli(server.db, "keys", "create", "--account", "revokes").stdout.strip().splitlines()[-1]
    run_cli(server.db, "keys", "revoke", key[:12])
    assert_error(httpx.get(server.url + "/api/v1/clients", headers={"Authorization": f"Bearer {key}"}), 401)


def test_plan_limit_is_403_and_changes_nothing(server):
    run_cli(server.db, "accounts", "create", "freebie", "--plan", "free")
    with server.client("freebie") as http:
        for n in range(5):
            make_client(http, f"Client {n}")
        assert "Plan limit reached" in assert_error(http.post("/api/v1/clients", json={"name": "Six"}), 403)
        assert http.get("/api/v1/clients").json()["total"] == 5


def test_unknown_ids_are_404(api):
    for path in (
        "/api/v1/clients/cnope",
        "/api/v1/invoices/cnope",
        "/api/v1/invoices/cnope/pdf",
        "/api/v1/invoices/cnope/payments",
    ):
        assert_error(api.get(path), 404)
    assert_error(api.delete("/api/v1/invoices/cnope"), 404)
    assert_error(api.patch("/api/v1/clients/cnope", json={"name": "x"}), 404)
    assert_error(api.get("/api/v1/nothing-here"), 404)


def test_taken_number_and_changes_to_a_sent_invoice_are_409(api):
    client = make_client(api)
    first = make_invoice(api, client["id"], invoiceNumber="INV-7")
    body = {
        "clientId": client["id"],
        "invoiceNumber": "INV-7",
        "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1}],
    }
    assert "already taken" in assert_error(api.post("/api/v1/invoices", json=body), 409)
    assert api.post(f"/api/v1/invoices/{first['id']}/send", json={}).status_code == 200
    assert "Only DRAFT" in assert_error(api.patch(f"/api/v1/invoices/{first['id']}", json={"notes": "x"}), 409)
    assert assert_error(api.post(f"/api/v1/invoices/{first['id']}/send"), 409)
    assert api.get(f"/api/v1/invoices/{first['id']}").json()["data"]["notes"] is None
    assert api.get("/api/v1/invoices").json()["total"] == 1


def test_bodies_over_one_mebibyte_are_413(api):
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    assert_error(api.post("/api/v1/clients", content=big, headers=JSON), 413)

    def chunks():  # no Content-Length: the server must stop reading at the limit
        for _ in range(40):
            yield b"x" * 65536

    assert_error(api.post("/api/v1/clients", content=chunks(), headers=JSON), 413)
    assert api.get("/api/v1/clients").json()["total"] == 0


def test_method_not_allowed_is_json(api):
    assert_error(api.put("/api/v1/clients", json={}), 405)


def test_a_payment_dated_in_the_future_is_400_and_changes_nothing(api):
    invoice = make_invoice(api, make_client(api)["id"])
    assert api.post(f"/api/v1/invoices/{invoice['id']}/send", json={}).status_code == 200
    payments = f"/api/v1/invoices/{invoice['id']}/payments"
    future = assert_error(api.post(payments, json={"amount": 10, "date": "2099-01-01"}), 400)
    assert future == "Invalid field: date must not be in the future"
    assert api.get(payments).json()["data"] == []
    assert api.post(payments, json={"amount": 10, "date": "2020-01-15"}).status_code == 201


def test_sending_without_a_seller_name_is_409_naming_the_setting(server):
    key = run_cli(server.db, "keys", "create", "--account", "nameless").stdout.strip().splitlines()[-1]
    with server.client(key=key) as api:
        invoice = make_invoice(api, make_client(api)["id"])
        message = assert_error(api.post(f"/api/v1/invoices/{invoice['id']}/send", json={}), 409)
        assert "without a seller name" in message and "sellerName" in message
        assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]["status"] == "DRAFT"
