"""Issued means final over HTTP: DELETE only of drafts, removing a payment, an invoice's history with the key's
prefix as its actor, and a PDF that stays the same document after the seller or client change."""

from tests.server.helpers import make_client, make_invoice


def test_delete_of_a_sent_partly_paid_or_paid_invoice_is_409_and_changes_nothing(api):
    client = make_client(api)
    for payments in ([], [10], [10, 90]):
        made = make_invoice(api, client["id"])
        assert api.post(f"/api/v1/invoices/{made['id']}/send", json={}).status_code == 200
        for amount in payments:
            assert api.post(f"/api/v1/invoices/{made['id']}/payments", json={"amount": amount}).status_code == 201
        before = api.get(f"/api/v1/invoices/{made['id']}").json()
        refused = api.delete(f"/api/v1/invoices/{made['id']}")
        assert refused.status_code == 409 and "credit note" in refused.json()["error"]
        assert api.get(f"/api/v1/invoices/{made['id']}").json() == before


def test_deleting_the_newest_draft_gives_its_number_back(api):
    client = make_client(api)
    first, second = make_invoice(api, client["id"]), make_invoice(api, client["id"])
    assert api.delete(f"/api/v1/invoices/{first['id']}").status_code == 204
    assert make_invoice(api, client["id"])["invoiceNumber"] == "INV-0003"
    newest = api.get("/api/v1/invoices").json()["data"][0]
    assert api.delete(f"/api/v1/invoices/{newest['id']}").status_code == 204
    assert make_invoice(api, client["id"])["invoiceNumber"] == "INV-0003"
    assert second["invoiceNumber"] == "INV-0002"


def test_remove_a_payment_and_read_the_history(api):
    client = make_client(api)
    made = make_invoice(api, client["id"], dueDate="2999-01-01")
    api.patch(f"/api/v1/invoices/{made['id']}", json={"notes": "agreed"})
    api.post(f"/api/v1/invoices/{made['id']}/send", json={})
    paid = api.post(f"/api/v1/invoices/{made['id']}/payments", json={"amount": 100, "date": "2024-05-01"}).json()
    assert api.get(f"/api/v1/invoices/{made['id']}").json()["data"]["status"] == "PAID"
    removed = api.delete(f"/api/v1/invoices/{made['id']}/payments/{paid['data']['id']}")
    assert removed.status_code == 204 and removed.content == b""
    after = api.get(f"/api/v1/invoices/{made['id']}").json()["data"]
    assert (after["status"], after["amountPaid"], after["amountDue"], after["payments"]) == ("SENT", 0, 100, [])
    missing = api.delete(f"/api/v1/invoices/{made['id']}/payments/{paid['data']['id']}")
    assert missing.status_code == 404 and "error" in missing.json()

    events = api.get(f"/api/v1/invoices/{made['id']}/events")
    assert events.status_code == 200
    listed = events.json()["data"]
    actor = api.headers["Authorization"].removeprefix("Bearer ")[:12]
    assert [(e["type"], e["actor"]) for e in listed] == [
        ("created", actor),
        ("updated", actor),
        ("issued", actor),
        ("payment_recorded", actor),
        ("payment_removed", actor),
    ]
    assert listed[3]["detail"] == {"paymentId": paid["data"]["id"], "amount": 100, "date": "2024-05-01"}
    assert all(e["at"].endswith("Z") for e in listed)
    assert '"amount":100.00' in events.text


def test_another_accounts_history_and_payments_are_not_found(api, server):
    made = make_invoice(api, make_client(api)["id"])
    with server.client(account="history-stranger") as stranger:
        assert stranger.get(f"/api/v1/invoices/{made['id']}/events").status_code == 404
        assert stranger.delete(f"/api/v1/invoices/{made['id']}/payments/x").status_code == 404


def test_an_issued_pdf_is_the_same_bytes_after_the_client_changes(api):
    client = make_client(api)
    issued, draft = make_invoice(api, client["id"]), make_invoice(api, client["id"])
    api.post(f"/api/v1/invoices/{issued['id']}/send", json={})
    before = api.get(f"/api/v1/invoices/{issued['id']}/pdf").content
    draft_before = api.get(f"/api/v1/invoices/{draft['id']}/pdf").content
    assert api.put(f"/api/v1/clients/{client['id']}", json={"name": "Renamed Client"}).status_code == 200
    assert api.get(f"/api/v1/invoices/{issued['id']}/pdf").content == before
    assert api.get(f"/api/v1/invoices/{draft['id']}/pdf").content != draft_before
