"""Input that used to end in a 500 and a dropped connection is a 400 with a clear message, against a real server;
the PDF's file name never names a folder."""

import httpx
import pytest

from tests.server.helpers import JSON, make_client, make_invoice


def lines() -> str:
    return '[{"description": "Work", "quantity": 1, "unitPrice": 5}]'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"name": "Zo\\ud800"}', "Invalid JSON: a string holds a lone surrogate"),
        ('{"name": "Acme", "\\udfff": 1}', "Invalid JSON: a string holds a lone surrogate"),
        ('{"name": "Acme", "notes": ["\\ud800"]}', "Invalid JSON: a string holds a lone surrogate"),
        ('{"name": %s}' % ("9" * 5000), "Invalid JSON: an integer has more than 40 digits"),
        ('{"name": -%s}' % ("1" * 41), "Invalid JSON: an integer has more than 40 digits"),
        ('{"name": "Acme\\r\\nX-Evil: 1"}', "Invalid field: name must be a single line (no line breaks or tabs)"),
        ('{"name": "Acme", "taxId": "DE\\t1"}', "Invalid field: taxId must be a single line"),
    ],
)
def test_bad_text_and_numbers_are_400_and_change_nothing(api, body, message):
    before = api.get("/api/v1/clients").json()["total"]
    answer = api.post("/api/v1/clients", content=body.encode(), headers=JSON)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"].startswith(message)
    assert api.get("/api/v1/clients").json()["total"] == before


def test_a_paired_surrogate_escape_is_one_character(api):
    body = b'{"name": "Zo\\u00eb", "notes": "\\ud83d\\ude00"}'  # client notes are never printed: any text goes
    answer = api.post("/api/v1/clients", content=body, headers=JSON)
    assert answer.status_code == 201 and answer.json()["data"]["notes"] == "😀"


def test_invoice_input_that_used_to_crash(api):
    client_id = make_client(api)["id"]
    cases = [
        (f'{{"clientId": "{client_id}", "issueDate": "9999-12-31", "lineItems": {lines()}}}', "issueDate is too late"),
        (
            f'{{"clientId": "{client_id}", "lineItems": [{{"description": "W", "quantity": {"1" * 5000}, '
            '"unitPrice": 1}]}',
            "more than 40 digits",
        ),
        (
            f'{{"clientId": "{client_id}", "invoiceNumber": "INV-\\u202e0001", "lineItems": {lines()}}}',
            "invoiceNumber must not contain invisible or direction-changing characters (U+202E)",
        ),
        (f'{{"clientId": "{client_id}", "invoiceNumber": "INV-\\u200b1", "lineItems": {lines()}}}', "(U+200B)"),
        (f'{{"clientId": "{client_id}", "invoiceNumber": "INV\\n1", "lineItems": {lines()}}}', "single line"),
    ]
    for body, message in cases:
        answer = api.post("/api/v1/invoices", content=body.encode(), headers=JSON)
        assert answer.status_code == 400, answer.text
        assert message in answer.json()["error"]
        assert answer.headers.get("connection") != "close"
    assert api.get("/api/v1/invoices").json()["total"] == 0
    made = make_invoice(api, client_id, notes="line 1\nline 2\ttabbed")
    assert made["notes"] == "line 1\nline 2\ttabbed"


@pytest.mark.parametrize(
    ("number", "disposition"),
    [
        ("../../tmp/evil", 'attachment; filename=".._.._tmp_evil.pdf"'),
        ("..\\evil", 'attachment; filename=".._evil.pdf"'),
        ("Zoë/2024", "attachment; filename=\"Zo__2024.pdf\"; filename*=UTF-8''Zo%C3%AB_2024.pdf"),
    ],
)
def test_the_pdf_file_name_names_no_folder(api, number, disposition):
    invoice = make_invoice(api, make_client(api)["id"], invoiceNumber=number)
    answer = api.get(f"/api/v1/invoices/{invoice['id']}/pdf")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == disposition


def test_a_surrogate_in_a_query_string_is_not_a_500(server, api):
    answer = httpx.get(f"{server.url}/api/v1/clients?search=%ED%A0%80", headers=api.headers)  # UTF-8 of U+D800
    assert answer.status_code in (200, 400), answer.text
