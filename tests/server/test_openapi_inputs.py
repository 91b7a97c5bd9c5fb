"""Every request body the OpenAPI document describes lists exactly the fields the core reads from it, so the
document cannot drift from what the API accepts (a field the core takes but the document omits is invisible to
integrators and to the generated clients; one the document lists but the core refuses is a 400 it promises not
to give)."""

import pytest

from cleverinvo.core.accounts import SETTINGS
from cleverinvo.core.billing.credit_notes import CREDIT_NOTE_FIELDS
from cleverinvo.core.billing.invoices import INVOICE_FIELDS, PAYMENT_FIELDS
from cleverinvo.core.billing.lines import LINE_FIELDS
from cleverinvo.core.billing.quotes import QUOTE_FIELDS
from cleverinvo.core.clients import CREATE_FIELDS, UPDATE_FIELDS
from cleverinvo.core.delivery.sending import SEND_FIELDS
from cleverinvo.core.schedule.recurring import FIELDS as SCHEDULE_FIELDS
from cleverinvo.server.openapi import document

SCHEMAS = document()["components"]["schemas"]

# Each request body schema → the fields the core's reader of that body accepts.
READ_BY_THE_CORE = {
    "LineItemInput": LINE_FIELDS,
    "InvoiceCreate": INVOICE_FIELDS,
    "InvoiceInput": INVOICE_FIELDS,
    "QuoteCreate": QUOTE_FIELDS,
    "QuoteInput": QUOTE_FIELDS,
    "CreditNoteInput": CREDIT_NOTE_FIELDS,
    "RecurringInvoiceCreate": SCHEDULE_FIELDS,
    "RecurringInvoiceInput": SCHEDULE_FIELDS,
    "ClientCreate": CREATE_FIELDS,
    "ClientUpdate": UPDATE_FIELDS,
    "AccountInput": tuple(SETTINGS),
    "PaymentInput": PAYMENT_FIELDS,
    "SendInput": SEND_FIELDS,
}


@pytest.mark.parametrize("schema", sorted(READ_BY_THE_CORE))
def test_a_request_schema_lists_every_field_the_core_reads_and_no_other(schema):
    described = SCHEMAS[schema]
    assert described.get("additionalProperties") is False, f"{schema} must refuse unknown fields as the core does"
    assert set(described["properties"]) == set(READ_BY_THE_CORE[schema])


def test_every_request_body_of_the_document_is_checked_here():
    bodies = {
        content["schema"]["$ref"].rsplit("/", 1)[-1]
        for path in document()["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for content in operation.get("requestBody", {}).get("content", {}).values()
        if "$ref" in content.get("schema", {})
    }
    lines = {"LineItemInput"}  # reached through the invoice, quote, credit-note and schedule bodies
    assert bodies | lines == set(READ_BY_THE_CORE)  # quotes are sent with the invoices' SendInput
