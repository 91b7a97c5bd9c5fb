"""The routing table of the v1 API: every endpoint of the seed, plus send, payments, history, e-invoice XML,
quotes, recurring invoices, the OpenAPI document."""

from starlette.routing import Route

from cleverinvo.server import viewpage, views
from cleverinvo.server.views import endpoint

CLIENT = "/api/v1/clients/{id}"
INVOICE = "/api/v1/invoices/{id}"
CREDIT_NOTE = "/api/v1/credit-notes/{id}"
RECURRING = "/api/v1/recurring-invoices/{id}"
QUOTE = "/api/v1/quotes/{id}"

LOGO = "/api/v1/account/logo"
VIEW = "/view/{token}"

routes = [
    Route("/healthz", endpoint(views.health), methods=["GET"], name="health"),
    Route("/api/v1/openapi.json", endpoint(views.openapi), methods=["GET"], name="openapi"),
    Route("/api/v1/clients", endpoint(views.list_clients), methods=["GET"], name="clients"),
    Route("/api/v1/clients", endpoint(views.create_client, body="required"), methods=["POST"], name="client-create"),
    Route(CLIENT, endpoint(views.get_client), methods=["GET"], name="client"),
    Route(CLIENT, endpoint(views.update_client, body="required"), methods=["PUT", "PATCH"], name="client-update"),
    Route(CLIENT, endpoint(views.delete_client), methods=["DELETE"], name="client-delete"),
    Route("/api/v1/invoices", endpoint(views.list_invoices), methods=["GET"], name="invoices"),
    Route("/api/v1/invoices", endpoint(views.create_invoice, body="required"), methods=["POST"], name="invoice-create"),
    Route(INVOICE, endpoint(views.get_invoice), methods=["GET"], name="invoice"),
    Route(INVOICE, endpoint(views.update_invoice, body="required"), methods=["PUT", "PATCH"], name="invoice-update"),
    Route(INVOICE, endpoint(views.delete_invoice), methods=["DELETE"], name="invoice-delete"),
    Route(f"{INVOICE}/pdf", views.invoice_pdf, methods=["GET"], name="invoice-pdf"),
    Route(f"{INVOICE}/xml", endpoint(views.invoice_xml), methods=["GET"], name="invoice-xml"),
    Route(f"{INVOICE}/send", endpoint(views.send_invoice, body="optional"), methods=["POST"], name="invoice-send"),
    Route(f"{INVOICE}/payments", endpoint(views.list_payments), methods=["GET"], name="payments"),
    Route(
        f"{INVOICE}/payments", endpoint(views.record_payment, body="required"), methods=["POST"], name="payment-create"
    ),
    Route(
        f"{INVOICE}/payments/{{paymentId}}", endpoint(views.remove_payment), methods=["DELETE"], name="payment-delete"
    ),
    Route(f"{INVOICE}/events", endpoint(views.invoice_events), methods=["GET"], name="invoice-events"),
    Route("/api/v1/account", endpoint(views.get_account), methods=["GET"], name="account"),
    Route("/api/v1/account", endpoint(views.update_account, body="required"), methods=["PATCH"], name="account-update"),
    Route(LOGO, endpoint(views.get_logo), methods=["GET"], name="logo"),
    Route(LOGO, views.put_logo, methods=["PUT"], name="logo-put"),
    Route(LOGO, endpoint(views.delete_logo), methods=["DELETE"], name="logo-delete"),
    Route(
        f"{INVOICE}/credit-notes",
        endpoint(views.create_credit_note, body="required"),
        methods=["POST"],
        name="credit-note-create",
    ),
    Route("/api/v1/credit-notes", endpoint(views.list_credit_notes), methods=["GET"], name="credit-notes"),
    Route(CREDIT_NOTE, endpoint(views.get_credit_note), methods=["GET"], name="credit-note"),
    Route(
        f"{CREDIT_NOTE}/pdf", endpoint(views.credit_note_pdf, renders_pdf=True), methods=["GET"], name="credit-note-pdf"
    ),
    Route(f"{CREDIT_NOTE}/xml", endpoint(views.credit_note_xml), methods=["GET"], name="credit-note-xml"),
    Route("/api/v1/quotes", endpoint(views.list_quotes), methods=["GET"], name="quotes"),
    Route("/api/v1/quotes", endpoint(views.create_quote, body="required"), methods=["POST"], name="quote-create"),
    Route(QUOTE, endpoint(views.get_quote), methods=["GET"], name="quote"),
    Route(QUOTE, endpoint(views.update_quote, body="required"), methods=["PUT", "PATCH"], name="quote-update"),
    Route(QUOTE, endpoint(views.delete_quote), methods=["DELETE"], name="quote-delete"),
    Route(f"{QUOTE}/pdf", endpoint(views.quote_pdf), methods=["GET"], name="quote-pdf"),
    Route(f"{QUOTE}/send", endpoint(views.send_quote, body="optional"), methods=["POST"], name="quote-send"),
    Route(f"{QUOTE}/accept", endpoint(views.accept_quote), methods=["POST"], name="quote-accept"),
    Route(f"{QUOTE}/decline", endpoint(views.decline_quote), methods=["POST"], name="quote-decline"),
    Route(f"{QUOTE}/invoice", endpoint(views.invoice_from_quote), methods=["POST"], name="quote-invoice"),
    Route(f"{QUOTE}/events", endpoint(views.quote_events), methods=["GET"], name="quote-events"),
    Route(VIEW, viewpage.page, methods=["GET"], name="view-page"),
    Route(f"{VIEW}/pdf", viewpage.pdf, methods=["GET"], name="view-pdf"),
    Route(f"{VIEW}/seen", viewpage.seen, methods=["POST"], name="view-seen"),
    Route(f"{VIEW}/accept", viewpage.accept, methods=["POST"], name="view-accept"),
    Route(f"{VIEW}/decline", viewpage.decline, methods=["POST"], name="view-decline"),
    Route("/api/v1/recurring-invoices", endpoint(views.list_recurring), methods=["GET"], name="recurring"),
    Route(
        "/api/v1/recurring-invoices",
        endpoint(views.create_recurring, body="required"),
        methods=["POST"],
        name="recurring-create",
    ),
    Route(RECURRING, endpoint(views.get_recurring), methods=["GET"], name="recurring-get"),
    Route(
        RECURRING, endpoint(views.update_recurring, body="required"), methods=["PUT", "PATCH"], name="recurring-update"
    ),
    Route(RECURRING, endpoint(views.delete_recurring), methods=["DELETE"], name="recurring-delete"),
]
