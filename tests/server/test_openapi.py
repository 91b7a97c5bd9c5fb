"""The OpenAPI document describes the live server truthfully: schemathesis finds no 500 and no response that
breaks the document."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import make_client, make_invoice, make_quote, start_server

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    )
)


def test_document_is_served_without_a_key_and_names_every_route(server):
    doc = httpx.get(server.url + "/api/v1/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/clients",
        "/api/v1/clients/{id}",
        "/api/v1/invoices",
        "/api/v1/invoices/{id}",
        "/api/v1/invoices/{id}/pdf",
        "/api/v1/invoices/{id}/send",
        "/api/v1/invoices/{id}/xml",
        "/api/v1/invoices/{id}/payments",
        "/api/v1/recurring-invoices",
        "/api/v1/recurring-invoices/{id}",
        "/api/v1/invoices/{id}/payments/{paymentId}",
        "/api/v1/invoices/{id}/events",
        "/api/v1/account",
        "/api/v1/account/logo",
        "/api/v1/invoices/{id}/credit-notes",
        "/api/v1/credit-notes",
        "/api/v1/credit-notes/{id}",
        "/api/v1/credit-notes/{id}/pdf",
        "/api/v1/credit-notes/{id}/xml",
        "/api/v1/quotes",
        "/api/v1/quotes/{id}",
        "/api/v1/quotes/{id}/pdf",
        "/api/v1/quotes/{id}/send",
        "/api/v1/quotes/{id}/accept",
        "/api/v1/quotes/{id}/decline",
        "/api/v1/quotes/{id}/invoice",
        "/api/v1/quotes/{id}/events",
    }


def real_ids_config(
    clients: list[str], invoices: list[str], payments: list[str], credit_notes: list[str], quotes: list[str]
) -> str:
    """A schemathesis config that draws path ids and the invoice and quote bodies' ``clientId`` from real ids half
    the time (DELETE aside, so that the real ids live through the run, except payments, whose removal is the
    point)."""

    return f"""
[dictionaries.clients]
values = {json.dumps(clients)}

[dictionaries.invoices]
values = {json.dumps(invoices)}

[dictionaries.payments]
values = {json.dumps(payments)}

[dictionaries.credit_notes]
values = {json.dumps(credit_notes)}

[[operations]]
include-path-regex = "/payments/"
[operations.parameters]
"path.id" = {{ dictionary = "invoices", probability = 0.5 }}
"path.paymentId" = {{ dictionary = "payments", probability = 0.5 }}

[[operations]]
include-path-regex = "^/api/v1/credit-notes"
[operations.parameters]
"path.id" = {{ dictionary = "credit_notes", probability = 0.5 }}
"query.invoiceId" = {{ dictionary = "invoices", probability = 0.5 }}

[dictionaries.quotes]
values = {json.dumps(quotes)}

[[operations]]
include-path-regex = "^/api/v1/clients/"
exclude-method = ["DELETE"]
[operations.parameters]
"path.id" = {{ dictionary = "clients", probability = 0.5 }}

[[operations]]
include-path-regex = "^/api/v1/invoices"
exclude-method = ["DELETE"]
[operations.parameters]
"path.id" = {{ dictionary = "invoices", probability = 0.5 }}
"body.clientId" = {{ dictionary = "clients", probability = 0.5 }}

[[operations]]
include-path-regex = "^/api/v1/quotes"
exclude-method = ["DELETE"]
[operations.parameters]
"path.id" = {{ dictionary = "quotes", probability = 0.5 }}
"body.clientId" = {{ dictionary = "clients", probability = 0.5 }}
"""


@pytest.mark.slow
@pytest.mark.timeout(900)  # as long as the schemathesis run may take: the API has grown past the suite's 300 s
def test_schemathesis_finds_no_500_and_no_response_breaking_the_document(tmp_path):
    server = start_server(tmp_path, env={"CLEVERINVO_RATE_LIMIT": "1000000"})
    try:
        key = server.key()
        with server.client(key=key) as http:  # real ids, so that half the generated ids reach a real resource
            clients = [make_client(http)["id"] for _ in range(3)]
            invoices = [make_invoice(http, client_id)["id"] for client_id in clients for _ in range(3)]
            payments, credit_notes = [], []
            for invoice_id in invoices[:6]:  # issued, partly paid and partly credited: payments and credits to reach
                http.post(f"/api/v1/invoices/{invoice_id}/send", json={})
                paid = http.post(f"/api/v1/invoices/{invoice_id}/payments", json={"amount": 10, "date": "2024-01-01"})
                payments.append(paid.json()["data"]["id"])
                line = {"description": "Work", "quantity": 1, "unitPrice": 20}
                made = http.post(
                    f"/api/v1/invoices/{invoice_id}/credit-notes", json={"reason": "r", "lineItems": [line]}
                )
                credit_notes.append(made.json()["data"]["id"])
            quotes = [make_quote(http, client_id)["id"] for client_id in clients for _ in range(2)]
        config = real_ids_config(clients, invoices, payments, credit_notes, quotes)
        (tmp_path / "schemathesis.toml").write_text(config)
        env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
        result = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                f"{server.url}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {key}",
                "--checks",
                CHECKS,
                "--max-examples",
                os.environ.get("CLEVERINVO_FUZZ_EXAMPLES", "60"),
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--seed",
                "1",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=900,
        )
        summary = result.stdout[-3000:]
        print(summary)
        assert result.returncode == 0, result.stdout[-12000:]
        cases = re.search(r"(\d+) generated", result.stdout)
        assert cases and int(cases.group(1)) > 100, summary
    finally:
        server.stop()
    assert "Traceback" not in server.log.read_text()
