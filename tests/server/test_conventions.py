"""Integrators' conventions against a real server: Location on 201, ETag with If-None-Match (304) and If-Match
(412 when stale) on single resources, gzip for large JSON, and CORS for configured origins only."""

import httpx
import pytest

from tests.server.helpers import make_client, make_invoice, start_server


def test_a_creation_says_where_the_new_resource_is(api):
    made = api.post("/api/v1/clients", json={"name": "Located"})
    assert made.status_code == 201
    assert made.headers["Location"] == f"/api/v1/clients/{made.json()['data']['id']}"
    assert api.get(made.headers["Location"]).json() == made.json()
    invoice = api.post(
        "/api/v1/invoices",
        json={
            "clientId": made.json()["data"]["id"],
            "lineItems": [{"description": "W", "quantity": 1, "unitPrice": 1}],
        },
    )
    assert invoice.headers["Location"] == f"/api/v1/invoices/{invoice.json()['data']['id']}"


def test_single_resources_carry_an_etag_and_if_none_match_gives_304(api):
    client = make_client(api)
    first = api.get(f"/api/v1/clients/{client['id']}")
    tag = first.headers["ETag"]
    assert tag.startswith('"') and api.get(f"/api/v1/clients/{client['id']}").headers["ETag"] == tag
    unchanged = api.get(f"/api/v1/clients/{client['id']}", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["ETag"] == tag
    api.patch(f"/api/v1/clients/{client['id']}", json={"phone": "+1 555 0100"})
    changed = api.get(f"/api/v1/clients/{client['id']}", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_if_match_refuses_a_stale_change_with_412_and_changes_nothing(api):
    invoice = make_invoice(api, make_client(api)["id"])
    path = f"/api/v1/invoices/{invoice['id']}"
    tag = api.get(path).headers["ETag"]
    updated = api.patch(path, json={"notes": "first"}, headers={"If-Match": tag})
    assert updated.status_code == 200 and updated.headers["ETag"] == api.get(path).headers["ETag"] != tag
    stale = api.patch(path, json={"notes": "second"}, headers={"If-Match": tag})
    assert stale.status_code == 412 and "If-Match" in stale.json()["error"]
    assert api.get(path).json()["data"]["notes"] == "first"
    assert api.delete(path, headers={"If-Match": tag}).status_code == 412
    assert api.put(path, json={"notes": "any"}, headers={"If-Match": "*"}).status_code == 200
    assert api.delete(path, headers={"If-Match": api.get(path).headers["ETag"]}).status_code == 204
    assert api.patch(path, json={"notes": "x"}, headers={"If-Match": tag}).status_code == 404


def test_large_json_is_gzipped_when_the_client_accepts_it(api):
    for n in range(30):
        make_client(api, f"Client number {n} with a longer name")
    listed = api.get("/api/v1/clients?limit=100", headers={"Accept-Encoding": "gzip"})
    assert listed.headers["Content-Encoding"] == "gzip" and listed.json()["total"] == 30
    small = api.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers
    plain = api.get("/api/v1/clients?limit=100", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.json()["total"] == 30
    assert len(plain.content) > int(listed.headers["Content-Length"]) * 3  # what gzip saved


@pytest.fixture(scope="module")
def cors_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("cors"), env={"CLEVERINVO_CORS_ORIGINS": "https://shop.example"})
    yield server
    server.stop()


def test_cors_preflight_is_answered_without_a_key_for_configured_origins_only(cors_server):
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    allowed = httpx.options(
        f"{cors_server.url}/api/v1/clients", headers={"Origin": "https://shop.example", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    refused = httpx.options(
        f"{cors_server.url}/api/v1/clients", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "Access-Control-Allow-Origin" not in refused.headers
    with cors_server.client() as http:
        answer = http.get("/api/v1/clients", headers={"Origin": "https://shop.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]


def test_without_configured_origins_no_cors_headers_are_sent(server, api):
    answer = api.get("/api/v1/clients", headers={"Origin": "https://shop.example"})
    assert "Access-Control-Allow-Origin" not in answer.headers
