"""Behaviour around the endpoints: health, deletion and restore, payments, paging, rate limits, tenants, logs."""

import signal

import httpx

from tests.server.helpers import make_client, make_invoice, start_server


def test_health_needs_no_key(server):
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}


def test_delete_client_is_204_soft_delete_and_patch_restores(api):
    client = make_client(api)
    deleted = api.delete(f"/api/v1/clients/{client['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.get("/api/v1/clients").json()["total"] == 0
    assert api.get(f"/api/v1/clients/{client['id']}").json()["data"]["isActive"] is False
    restored = api.patch(f"/api/v1/clients/{client['id']}", json={"isActive": True})
    assert restored.json()["data"]["isActive"] is True
    assert api.get("/api/v1/clients").json()["total"] == 1


def test_send_payments_and_statuses(api):
    client = make_client(api)
    invoice = make_invoice(api, client["id"])
    sent = api.post(f"/api/v1/invoices/{invoice['id']}/send", json={}).json()["data"]
    assert (sent["status"], sent["sentViaEmail"]) == ("SENT", False) and sent["sentAt"].endswith("Z")
    part = api.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 40, "method": "bank"})
    assert part.status_code == 201 and part.json()["data"]["amount"] == 40
    assert api.get("/api/v1/invoices?status=PARTIALLY_PAID").json()["data"][0]["id"] == invoice["id"]
    over = api.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 60.01})
    assert over.status_code == 400 and "amount due" in over.json()["error"]
    api.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 60})
    paid = api.get(f"/api/v1/invoices/{invoice['id']}").json()["data"]
    assert (paid["status"], paid["amountDue"], paid["paidAt"] is not None) == ("PAID", 0, True)
    payments = api.get(f"/api/v1/invoices/{invoice['id']}/payments").json()["data"]
    assert [p["amount"] for p in payments] == [40, 60]


def test_lists_page_search_and_filter(api):
    acme, zoe = make_client(api, "Acme Corp"), make_client(api, "Zoë Ørsted")
    for _ in range(3):
        make_invoice(api, acme["id"])
    make_invoice(api, zoe["id"], invoiceNumber="ZO-1")
    page = api.get("/api/v1/invoices?page=2&limit=3").json()
    assert (page["total"], page["page"], page["limit"], page["totalPages"], len(page["data"])) == (4, 2, 3, 2, 1)
    assert [i["invoiceNumber"] for i in api.get("/api/v1/invoices?search=zoË").json()["data"]] == ["ZO-1"]
    assert api.get(f"/api/v1/invoices?clientId={acme['id']}").json()["total"] == 3
    assert [c["id"] for c in api.get("/api/v1/clients?search=ACME%20CORP").json()["data"]] == [acme["id"]]


def test_the_121st_request_within_a_minute_is_429_and_a_fresh_key_is_unaffected(server):
    with server.client("limited") as http:
        statuses = []
        for _ in range(121):
            response = http.get("/api/v1/clients")
            statuses.append(response.status_code)
        assert statuses[:120] == [200] * 120
        assert statuses[120] == 429
        assert int(response.headers["Retry-After"]) >= 1
        assert response.headers["X-RateLimit-Remaining"] == "0"
        assert response.json()["error"].startswith("Rate limit exceeded")
    with server.client("limited-fresh") as fresh:
        ok = fresh.get("/api/v1/clients")
        assert ok.status_code == 200
        assert ok.headers["X-RateLimit-Limit"] == "120" and ok.headers["X-RateLimit-Remaining"] == "119"
        assert ok.headers["RateLimit-Policy"] == '"default";q=120;w=60'
        assert ok.headers["RateLimit"].startswith('"default";r=119;t=')
        assert int(ok.headers["X-RateLimit-Reset"]) <= 60


def test_another_account_gets_404_everywhere_and_lists_never_show_the_first(server):
    with server.client("owner") as owner, server.client("stranger") as stranger:
        client = make_client(owner)
        invoice = make_invoice(owner, client["id"])
        cid, iid = client["id"], invoice["id"]
        attempts = [
            stranger.get(f"/api/v1/clients/{cid}"),
            stranger.put(f"/api/v1/clients/{cid}", json={"name": "x"}),
            stranger.patch(f"/api/v1/clients/{cid}", json={"name": "x"}),
            stranger.delete(f"/api/v1/clients/{cid}"),
            stranger.get(f"/api/v1/invoices/{iid}"),
            stranger.put(f"/api/v1/invoices/{iid}", json={"notes": "x"}),
            stranger.patch(f"/api/v1/invoices/{iid}", json={"notes": "x"}),
            stranger.delete(f"/api/v1/invoices/{iid}"),
            stranger.get(f"/api/v1/invoices/{iid}/pdf"),
            stranger.post(f"/api/v1/invoices/{iid}/send", json={}),
            stranger.get(f"/api/v1/invoices/{iid}/payments"),
            stranger.post(f"/api/v1/invoices/{iid}/payments", json={"amount": 1}),
        ]
        assert [r.status_code for r in attempts] == [404] * len(attempts)
        body = {"clientId": cid, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1}]}
        assert stranger.post("/api/v1/invoices", json=body).status_code == 400
        for path in (
            "/api/v1/clients",
            "/api/v1/invoices",
            f"/api/v1/invoices?clientId={cid}",
            "/api/v1/invoices?search=acme",
        ):
            assert stranger.get(path).json()["total"] == 0
        assert owner.get(f"/api/v1/invoices/{iid}").json()["data"]["notes"] is None
        assert owner.get(f"/api/v1/clients/{cid}").json()["data"]["isActive"] is True


def test_access_log_has_one_line_per_request_and_never_the_key(server):
    key = server.key("logged")
    with server.client(key=key) as http:
        http.get("/api/v1/clients?marker=1")
    line = server.log_line(lambda line: "/api/v1/clients" in line and "key=" + key[:12] in line)
    assert " GET /api/v1/clients 400 " in line and line.rstrip().endswith("key=" + key[:12])
    assert key not in server.log.read_text()


def test_sigterm_after_rendering_pdfs_exits_cleanly(tmp_path):
    server = start_server(tmp_path)
    with server.client() as http:
        client = make_client(http)
        for _ in range(3):
            invoice = make_invoice(http, client["id"])
            assert http.get(f"/api/v1/invoices/{invoice['id']}/pdf").status_code == 200
    assert server.stop(signal.SIGTERM) == 0
    assert "Traceback" not in server.log.read_text()
