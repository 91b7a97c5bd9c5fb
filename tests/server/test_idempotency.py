"""Idempotency-Key on POST: the first response is replayed, a different body is 422, a retry while the first is
still running is 409, a failed request can be retried, and no header behaves as before."""

import json

import cleverinvo.core
from cleverinvo.core.access import idempotency
from tests.server.helpers import JSON, make_client


def post(api, path, body, key=None):
    headers = {**JSON, **({"Idempotency-Key": key} if key else {})}
    return api.post(path, content=json.dumps(body), headers=headers)


def test_a_retry_gets_the_first_response_and_changes_nothing(api):
    first = post(api, "/api/v1/clients", {"name": "Once"}, key="order-1")
    again = post(api, "/api/v1/clients", {"name": "Once"}, key="order-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert api.get("/api/v1/clients").json()["total"] == 1


def test_invoice_creation_with_a_key_numbers_once(api):
    client = make_client(api)
    body = {"clientId": client["id"], "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 10}]}
    numbers = {post(api, "/api/v1/invoices", body, key="inv-1").json()["data"]["invoiceNumber"] for _ in range(3)}
    assert numbers == {"INV-0001"}
    assert post(api, "/api/v1/invoices", body).json()["data"]["invoiceNumber"] == "INV-0002"
    assert api.get("/api/v1/invoices").json()["total"] == 2


def test_the_same_key_with_another_body_is_422(api):
    assert post(api, "/api/v1/clients", {"name": "A"}, key="k-422").status_code == 201
    refused = post(api, "/api/v1/clients", {"name": "B"}, key="k-422")
    assert refused.status_code == 422 and "different request" in refused.json()["error"]
    assert [c["name"] for c in api.get("/api/v1/clients").json()["data"]] == ["A"]


def test_a_retry_while_the_first_is_running_is_409(server, api):
    token = api.headers["Authorization"].split()[1]
    body = json.dumps({"name": "Slow"}).encode()
    ci = cleverinvo.core.open(server.db)
    key_id = ci.verify_key(token).key_id
    assert idempotency.claim(key_id, "k-409", idempotency.fingerprint("POST", "/api/v1/clients", body)) is None
    ci.close()
    busy = api.post("/api/v1/clients", content=body, headers={**JSON, "Idempotency-Key": "k-409"})
    assert busy.status_code == 409 and "still being processed" in busy.json()["error"]
    assert api.get("/api/v1/clients").json()["total"] == 0


def test_a_failed_request_leaves_its_key_free(api):
    assert post(api, "/api/v1/clients", {"email": "x@y.example"}, key="k-fail").status_code == 400
    assert post(api, "/api/v1/clients", {"name": "Fixed"}, key="k-fail").status_code == 201


def test_without_the_header_every_post_acts(api):
    for _ in range(2):
        assert post(api, "/api/v1/clients", {"name": "Twice"}).status_code == 201
    assert api.get("/api/v1/clients").json()["total"] == 2


def test_keys_are_per_api_key_and_must_be_well_formed(server):
    with server.client("idem-a") as a, server.client("idem-b") as b:
        assert post(a, "/api/v1/clients", {"name": "A"}, key="shared").status_code == 201
        assert post(b, "/api/v1/clients", {"name": "A"}, key="shared").headers.get("Idempotent-Replayed") is None
        assert b.get("/api/v1/clients").json()["total"] == 1
        bad = a.post("/api/v1/clients", json={"name": "A"}, headers={"Idempotency-Key": "x" * 256})
        assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["error"]
