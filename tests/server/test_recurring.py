"""Recurring invoices over the API, the pass that ``cleverinvo serve`` runs by itself, and ``cleverinvo recur``."""

import datetime as dt
import time

import pytest
from dateutil.relativedelta import relativedelta

from tests.server.helpers import make_client, run_cli, start_server

LINES = [{"description": "Hosting", "quantity": 1, "unitPrice": 19.99, "taxRate": 19}]


def test_create_read_list_pause_and_delete(api):
    client = make_client(api)
    body = {"clientId": client["id"], "frequency": "monthly", "startDate": "2030-01-31", "lineItems": LINES}
    created = api.post("/api/v1/recurring-invoices", json=body)
    assert created.status_code == 201
    schedule = created.json()["data"]
    assert schedule["nextDate"] == "2030-01-31" and schedule["interval"] == 1 and schedule["action"] == "draft"
    assert schedule["lineItems"] == LINES and schedule["currency"] == "USD" and schedule["active"] is True
    url = f"/api/v1/recurring-invoices/{schedule['id']}"
    assert api.get(url).json()["data"] == schedule
    listed = api.get("/api/v1/recurring-invoices").json()
    assert listed["total"] == 1 and listed["data"] == [schedule]
    assert api.get("/api/v1/recurring-invoices", params={"search": client["name"][:5]}).json()["total"] == 1
    assert api.get("/api/v1/recurring-invoices", params={"search": "nobody-like-this"}).json()["total"] == 0
    paused = api.patch(url, json={"active": False}).json()["data"]
    assert paused["active"] is False and paused["nextDate"] is None
    changed = api.put(url, json={"active": True, "frequency": "quarterly", "startDate": "2030-11-30"}).json()["data"]
    assert changed["nextDate"] == "2030-11-30"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"frequency": "daily"}, "Invalid field: frequency must be one of weekly, monthly, quarterly, yearly"),
        ({"interval": 1.5}, "Invalid field: interval must have at most 0 decimal places"),
        ({"endDate": "2031-01-01", "count": 2}, "Invalid input: give endDate or count, not both"),
        ({"startDate": "2026-13-01"}, "startDate"),
        ({"action": "email"}, "Invalid field: action must be one of draft, send"),
        ({"nextDate": "2030-01-01"}, "Unknown field: nextDate"),
        ({"frequency": None}, "Missing required field: frequency"),
    ],
)
def test_bad_bodies_are_400_and_change_nothing(api, change, message):
    client = make_client(api)
    body = {"clientId": client["id"], "frequency": "monthly", "lineItems": LINES, **change}
    refused = api.post("/api/v1/recurring-invoices", json=body)
    assert refused.status_code == 400
    assert message in refused.json()["error"]
    assert api.get("/api/v1/recurring-invoices").json()["total"] == 0


def test_another_account_never_sees_a_schedule(server, api):
    client = make_client(api)
    body = {"clientId": client["id"], "frequency": "weekly", "lineItems": LINES}
    schedule = api.post("/api/v1/recurring-invoices", json=body).json()["data"]
    with server.client(account="recurring-other") as other:
        for method in ("GET", "PATCH", "DELETE"):
            kwargs = {"json": {"active": False}} if method == "PATCH" else {}
            response = other.request(method, f"/api/v1/recurring-invoices/{schedule['id']}", **kwargs)
            assert response.status_code == 404
        assert other.get("/api/v1/recurring-invoices").json()["total"] == 0
        refused = other.post("/api/v1/recurring-invoices", json=body)  # not this account's client
        assert refused.status_code == 400


def test_serve_runs_the_pass_by_itself(tmp_path):
    server = start_server(tmp_path, env={"CLEVERINVO_PASS_SECONDS": "0.5"})
    try:
        with server.client() as api:
            client = make_client(api)
            today = dt.datetime.now(dt.UTC).date()
            body = {"clientId": client["id"], "frequency": "monthly", "startDate": str(today), "lineItems": LINES}
            schedule = api.post("/api/v1/recurring-invoices", json=body).json()["data"]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and api.get("/api/v1/invoices").json()["total"] == 0:
                time.sleep(0.2)
            (made,) = api.get("/api/v1/invoices").json()["data"]
            invoice = api.get(f"/api/v1/invoices/{made['id']}").json()["data"]
            assert invoice["recurringId"] == schedule["id"] and invoice["issueDate"] == today.isoformat()
            time.sleep(1.5)  # more rounds of the pass make nothing more
            assert api.get("/api/v1/invoices").json()["total"] == 1
            assert (
                api.get(f"/api/v1/recurring-invoices/{schedule['id']}").json()["data"]["nextDate"]
                == (today + relativedelta(months=1)).isoformat()
            )
    finally:
        assert server.stop() == 0


def test_recur_command_makes_what_is_due_and_says_so(server, api):
    client = make_client(api, name="Recur Client Ltd")
    today = dt.datetime.now(dt.UTC).date()
    start = today - relativedelta(months=2)
    body = {"clientId": client["id"], "frequency": "monthly", "startDate": start.isoformat(), "lineItems": LINES}
    api.post("/api/v1/recurring-invoices", json=body)
    first = run_cli(server.db, "recur").stdout.splitlines()
    past = (str(start), str(start + relativedelta(months=1)))
    mine = [line for line in first if line.startswith(past)]
    assert len(mine) == 2 and all(line.endswith("made") for line in mine)
    assert api.get("/api/v1/invoices").json()["total"] == 3
    again = run_cli(server.db, "recur").stdout
    assert api.get("/api/v1/invoices").json()["total"] == 3
    assert "INV" not in again
