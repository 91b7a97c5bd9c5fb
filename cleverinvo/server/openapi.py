"""The OpenAPI 3.1 document of the v1 API, served at ``/api/v1/openapi.json``."""

from functools import cache
from typing import Any

from cleverinvo import __version__
from cleverinvo.core import accounts, logos
from cleverinvo.core.access.ratelimit import LIMIT
from cleverinvo.core.billing.lines import MAX_LINES, MAX_QUANTITY, MAX_UNIT_PRICE
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.delivery.messages import MAX_BODY, MAX_SUBJECT
from cleverinvo.core.delivery.sending import MAX_RECIPIENTS
from cleverinvo.core.paging import MAX_LIMIT, MAX_SEARCH
from cleverinvo.core.records import EventType, Language, PaperSize, QuoteStatus, Status
from cleverinvo.core.schedule.recurring import ACTIONS, MAX_COUNT, MAX_DUE_DAYS, MAX_INTERVAL
from cleverinvo.core.schedule.rules import Frequency
from cleverinvo.server.jsonio import MAX_BODY_BYTES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(max_length: int, nullable: bool = True) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "maxLength": max_length}


NULLABLE_TEXT = {"type": ["string", "null"]}
TIMESTAMP = {"type": "string", "format": "date-time"}
NULLABLE_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}
DATE = {"type": "string", "format": "date"}
MONEY = {"type": "number"}
RATE = {"type": "number", "minimum": 0, "maximum": 100, "description": "A percentage with at most 4 decimal places"}
SIX_PLACES = "At most 6 decimal places"
COUNTRY = {"type": ["string", "null"], "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2, e.g. DE"}
LANGUAGE = {"type": "string", "enum": [language.value for language in Language]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
CATEGORY = {
    "type": "string",
    "enum": [category.value for category in TaxCategory],
    "description": "EN 16931 VAT category: S standard, Z zero rated, E exempt, AE reverse charge, K intra-EU, "
    "G export, O outside the scope; default S above 0 %, else Z. E, AE, K, G and O need taxRate 0 and the "
    "invoice's taxExemptionReason",
}
PRINTED = "Text must be printable in invoices (Latin, Greek, Cyrillic, common symbols)"

_ADDRESS = {"type": "string", "format": "email", "maxLength": 254}
_ADDRESSES = {"oneOf": [_ADDRESS, {"type": "array", "items": _ADDRESS, "maxItems": MAX_RECIPIENTS}]}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "Client": {
        "type": "object",
        "required": ["id", "name", "email", "address", "taxId", "phone", "notes", "isActive", "createdAt", "updatedAt"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            **{k: NULLABLE_TEXT for k in ("email", "address", "taxId", "phone", "notes", "postalCode", "city")},
            "country": {"type": ["string", "null"]},
            "language": {"type": ["string", "null"], "enum": [*LANGUAGE["enum"], None]},
            "isActive": {"type": "boolean"},
            "createdAt": TIMESTAMP,
            "updatedAt": TIMESTAMP,
        },
    },
    "ClientInput": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 255},
            "email": {"type": ["string", "null"], "format": "email", "maxLength": 254},
            "address": _text(1000),
            "taxId": _text(64),
            "phone": _text(64),
            "notes": _text(5000),
            "postalCode": _text(32),
            "city": _text(255),
            "country": COUNTRY,
            "language": {"type": ["string", "null"], "enum": [*LANGUAGE["enum"], None]},
        },
        "description": PRINTED + " (notes aside)",
    },
    "LineItemInput": {
        "type": "object",
        "additionalProperties": False,
        "required": ["description", "quantity", "unitPrice"],
        "properties": {
            "description": {
                "type": "string",
                "minLength": 1,
                "maxLength": 1000,
                "description": "Line breaks and tabs allowed; each line is a printed line",
            },
            "quantity": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": int(MAX_QUANTITY),
                "description": SIX_PLACES,
            },
            "unitPrice": {"type": "number", "minimum": 0, "maximum": int(MAX_UNIT_PRICE), "description": SIX_PLACES},
            "taxRate": {**RATE, "default": 0},
            "discountRate": {**RATE, "default": 0},
            "taxCategory": {**CATEGORY, "type": ["string", "null"], "enum": [*CATEGORY["enum"], None]},
        },
    },
    "InvoiceInput": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "clientId": {"type": "string"},
            "invoiceNumber": {
                "type": ["string", "null"],
                "minLength": 1,
                "maxLength": 64,
                "description": "One line, without invisible or direction-changing characters; default: the next number",
            },
            "currency": {"type": ["string", "null"], "description": "ISO 4217 code; default: the account's"},
            "issueDate": {"type": ["string", "null"], "format": "date", "description": "default: today (UTC)"},
            "dueDate": {"type": ["string", "null"], "format": "date", "description": "not before issueDate"},
            "lineItems": {"type": "array", "minItems": 1, "maxItems": MAX_LINES, "items": _ref("LineItemInput")},
            "notes": _text(5000),
            "terms": _text(5000),
            "language": {
                **LANGUAGE,
                "type": ["string", "null"],
                "enum": [*LANGUAGE["enum"], None],
                "description": "default: the client's, else the account's",
            },
            "buyerReference": _text(255),
            "serviceDate": {**NULLABLE_DATE, "description": "the date of supply; or give a service period"},
            "servicePeriodStart": NULLABLE_DATE,
            "servicePeriodEnd": {**NULLABLE_DATE, "description": "with servicePeriodStart; not before it"},
            "taxExemptionReason": _text(1000),
        },
        "description": PRINTED,
    },
    "LineItem": {
        "type": "object",
        "required": ["description", "quantity", "unitPrice", "amount", "taxRate"],
        "properties": {
            "description": {"type": "string"},
            "quantity": {"type": "number"},
            "unitPrice": MONEY,
            "amount": MONEY,
            "taxRate": RATE,
            "discountRate": RATE,
            "discount": MONEY,
            "taxCategory": CATEGORY,
        },
    },
    "InvoiceSummary": {
        "type": "object",
        "required": [
            "id",
            "clientId",
            "invoiceNumber",
            "currency",
            "issueDate",
            "dueDate",
            "subtotal",
            "taxTotal",
            "discountTotal",
            "total",
            "status",
            "createdAt",
            "client",
        ],
        "properties": {
            "id": {"type": "string"},
            "clientId": {"type": "string"},
            "invoiceNumber": {"type": "string"},
            "currency": {"type": "string"},
            "issueDate": DATE,
            "dueDate": DATE,
            **{
                k: MONEY
                for k in ("subtotal", "taxTotal", "discountTotal", "total", "amountPaid", "amountCredited", "amountDue")
            },
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "createdAt": TIMESTAMP,
            "updatedAt": TIMESTAMP,
            "client": {
                "type": "object",
                "required": ["name", "email"],
                "properties": {"name": {"type": "string"}, "email": NULLABLE_TEXT},
            },
        },
    },
    "Payment": {
        "type": "object",
        "required": ["id", "invoiceId", "amount", "date", "method", "note", "createdAt"],
        "properties": {
            "id": {"type": "string"},
            "invoiceId": {"type": "string"},
            "amount": MONEY,
            "date": DATE,
            "method": NULLABLE_TEXT,
            "note": NULLABLE_TEXT,
            "createdAt": TIMESTAMP,
        },
    },
    "PaymentInput": {
        "type": "object",
        "additionalProperties": False,
        "required": ["amount"],
        "properties": {
            "amount": {
                "type": "number",
                "exclusiveMinimum": 0,
                "description": "At most the currency's places (USD 2, JPY 0, KWD 3) and at most the amount due",
            },
            "date": {"type": ["string", "null"], "format": "date", "description": "default: today (UTC)"},
            "method": _text(64),
            "note": _text(1000),
        },
    },
    "CreditNote": {
        "type": "object",
        "required": [
            "id",
            "creditNoteNumber",
            "invoiceId",
            "issueDate",
            "lineItems",
            "subtotal",
            "taxTotal",
            "discountTotal",
            "total",
            "reason",
            "createdAt",
        ],
        "properties": {
            "id": {"type": "string"},
            "creditNoteNumber": {"type": "string"},
            "invoiceId": {"type": "string"},
            "invoiceNumber": {"type": "string"},
            "currency": {"type": "string"},
            "issueDate": DATE,
            "lineItems": {"type": "array", "items": _ref("LineItem")},
            "taxes": {
                "type": "array",
                "items": {"type": "object", "properties": {"rate": RATE, "base": MONEY, "tax": MONEY}},
            },
            **{k: MONEY for k in ("subtotal", "taxTotal", "discountTotal", "total")},
            "reason": {"type": "string"},
            "createdAt": TIMESTAMP,
        },
    },
    "CreditNoteInput": {
        "type": "object",
        "additionalProperties": False,
        "required": ["reason"],
        "properties": {
            "reason": {"type": "string", "minLength": 1, "maxLength": 1000},
            "lineItems": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_LINES,
                "items": _ref("LineItemInput"),
                "description": "the lines to credit; without them, everything not yet credited",
            },
        },
    },
    "Event": {
        "type": "object",
        "required": ["type", "at", "actor", "detail"],
        "properties": {
            "type": {"type": "string", "enum": [t.value for t in EventType]},
            "at": TIMESTAMP,
            "actor": {"type": "string", "description": "an API key's first 12 characters, tui, cli or system"},
            "detail": {"type": "object", "description": "facts about the event, e.g. a payment's id and amount"},
        },
    },
    "SendInput": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "viaEmail": {"type": "boolean", "default": False, "description": "true: e-mail it with the PDF"},
            "to": {**_ADDRESSES, "description": "default: the client's e-mail address"},
            "cc": _ADDRESSES,
            "subject": {"type": "string", "maxLength": MAX_SUBJECT, "description": "default: the account's template"},
            "message": {"type": "string", "maxLength": MAX_BODY, "description": "default: the account's template"},
        },
    },
}
_CLIENT_FIELDS = SCHEMAS.pop("ClientInput")  # what creating and updating share; not a schema of its own
SCHEMAS["ClientCreate"] = {**_CLIENT_FIELDS, "required": ["name"]}
SCHEMAS["ClientUpdate"] = {
    **_CLIENT_FIELDS,
    "properties": {**_CLIENT_FIELDS["properties"], "isActive": {"type": "boolean"}},
}
SCHEMAS["InvoiceCreate"] = {**SCHEMAS["InvoiceInput"], "required": ["clientId", "lineItems"]}
SCHEMAS["Invoice"] = {
    "allOf": [
        _ref("InvoiceSummary"),
        {
            "type": "object",
            "required": ["lineItems", "notes", "terms", "sentViaEmail", "sentAt", "paidAt"],
            "properties": {
                "lineItems": {"type": "array", "items": _ref("LineItem")},
                "taxes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"category": CATEGORY, "rate": RATE, "base": MONEY, "tax": MONEY},
                    },
                },
                "payments": {"type": "array", "items": _ref("Payment")},
                "notes": NULLABLE_TEXT,
                "terms": NULLABLE_TEXT,
                "sentViaEmail": {"type": "boolean"},
                "sentAt": NULLABLE_TIMESTAMP,
                "viewedAt": NULLABLE_TIMESTAMP,
                "paidAt": NULLABLE_TIMESTAMP,
                "version": {"type": "integer"},
                "viewUrl": {
                    "type": ["string", "null"],
                    "format": "uri",
                    "description": "The public view page of an issued invoice (null for a draft)",
                },
                "recurringId": {
                    "type": ["string", "null"],
                    "description": "The recurring invoice schedule that made it",
                },
                "language": LANGUAGE,
                "buyerReference": NULLABLE_TEXT,
                "serviceDate": NULLABLE_DATE,
                "servicePeriodStart": NULLABLE_DATE,
                "servicePeriodEnd": NULLABLE_DATE,
                "taxExemptionReason": NULLABLE_TEXT,
                "quoteId": {"type": ["string", "null"], "description": "The quote it was made from"},
            },
        },
    ]
}
_SETTING_TEXTS = {
    "sellerName": 255,
    "sellerAddress": 1000,
    "sellerPostalCode": 32,
    "sellerCity": 255,
    "sellerPhone": 64,
    "sellerTaxId": 64,
    "sellerRegistration": 255,
    "bankName": 255,
    "defaultNotes": 5000,
    "defaultTerms": 5000,
}
_SETTINGS = {
    **{key: _text(longest) for key, longest in _SETTING_TEXTS.items()},
    "sellerCountry": COUNTRY,
    "sellerEmail": {"type": ["string", "null"], "format": "email", "maxLength": 254},
    "iban": {**_text(64), "description": "checked: country format and checksum; stored without spaces"},
    "bic": {**_text(16), "description": "checked: length and country"},
    **{key: {"type": "string", "maxLength": 20} for key in ("numberPrefix", "creditNotePrefix", "quotePrefix")},
    "numberWidth": {"type": "integer", "minimum": 1, "maximum": 12},
    "nextNumber": {"type": "integer", "minimum": 1, "maximum": 10**12},
    "defaultCurrency": {"type": "string", "description": "ISO 4217 code"},
    "paymentTermsDays": {"type": "integer", "minimum": 0, "maximum": 3650},
    "language": LANGUAGE,
    "paperSize": {"type": "string", "enum": [size.value for size in PaperSize]},
    "reminderDays": {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": accounts.MAX_REMINDER_DAY},
        "maxItems": accounts.MAX_REMINDERS,
        "description": "days after the due date; stored sorted, without repeats",
    },
    "eInvoice": {"type": "boolean", "description": "every invoice PDF is a Factur-X"},
}
SCHEMAS["Logo"] = {
    "type": "object",
    "required": ["mediaType", "width", "height", "updatedAt"],
    "properties": {
        "mediaType": {"type": "string", "enum": list(logos.MEDIA_TYPES)},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "updatedAt": TIMESTAMP,
    },
}
SCHEMAS["Account"] = {
    "type": "object",
    "required": ["name", "plan", *_SETTINGS, "logo", "createdAt"],
    "properties": {
        "name": {"type": "string"},
        "plan": {"type": "string", "enum": ["free", "pro", "unlimited"]},
        **{key: {k: v for k, v in schema.items() if k != "maxLength"} for key, schema in _SETTINGS.items()},
        "sellerCountry": {"type": ["string", "null"]},
        "logo": {"oneOf": [_ref("Logo"), {"type": "null"}]},
        "createdAt": TIMESTAMP,
    },
}
SCHEMAS["AccountInput"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": _SETTINGS,
    "description": "Only the settings sent change; name and plan cannot be changed here. " + PRINTED,
}
_INVOICE_INPUT = SCHEMAS["InvoiceInput"]["properties"]
_QUOTE_INPUT = {  # an invoice's fields, with its own number and validUntil instead of dueDate, and no supply dates
    **{k: v for k, v in _INVOICE_INPUT.items() if k not in ("invoiceNumber", "dueDate") and "service" not in k},
    "quoteNumber": {
        **_INVOICE_INPUT["invoiceNumber"],
        "description": _INVOICE_INPUT["invoiceNumber"]["description"].replace(
            "the next number", "the next quote number"
        ),
    },
    "validUntil": {
        "type": ["string", "null"],
        "format": "date",
        "description": "not before issueDate; default: issueDate plus the account's payment terms",
    },
}
SCHEMAS["QuoteInput"] = {**SCHEMAS["InvoiceInput"], "properties": _QUOTE_INPUT}
SCHEMAS["QuoteCreate"] = {**SCHEMAS["QuoteInput"], "required": ["clientId", "lineItems"]}
_QUOTE_SUMMARY = {
    "id": {"type": "string"},
    "clientId": {"type": "string"},
    "quoteNumber": {"type": "string"},
    "currency": {"type": "string"},
    "issueDate": DATE,
    "validUntil": DATE,
    **{k: MONEY for k in ("subtotal", "taxTotal", "discountTotal", "total")},
    "status": {
        "type": "string",
        "enum": [s.value for s in QuoteStatus],
        "description": "EXPIRED: sent, past validUntil and not answered",
    },
    "createdAt": TIMESTAMP,
    "updatedAt": TIMESTAMP,
    "client": {
        "type": "object",
        "required": ["name", "email"],
        "properties": {"name": {"type": "string"}, "email": NULLABLE_TEXT},
    },
}
SCHEMAS["QuoteSummary"] = {"type": "object", "required": list(_QUOTE_SUMMARY), "properties": _QUOTE_SUMMARY}
_QUOTE_DETAIL = {
    "lineItems": {"type": "array", "items": _ref("LineItem")},
    "taxes": SCHEMAS["Invoice"]["allOf"][1]["properties"]["taxes"],
    "notes": NULLABLE_TEXT,
    "terms": NULLABLE_TEXT,
    "language": LANGUAGE,
    "buyerReference": NULLABLE_TEXT,
    "taxExemptionReason": NULLABLE_TEXT,
    "sentAt": NULLABLE_TIMESTAMP,
    "answeredAt": {**NULLABLE_TIMESTAMP, "description": "When it was accepted or declined"},
    "invoiceId": {"type": ["string", "null"], "description": "The invoice made from it, once it is"},
    "viewUrl": {
        "type": ["string", "null"],
        "description": "The public page where the client sees the quote and accepts or declines it; once sent",
    },
    "version": {"type": "integer"},
}
SCHEMAS["Quote"] = {
    "allOf": [_ref("QuoteSummary"), {"type": "object", "required": list(_QUOTE_DETAIL), "properties": _QUOTE_DETAIL}]
}
_SCHEDULE = {
    "clientId": {"type": "string"},
    "currency": {"type": ["string", "null"], "description": "ISO 4217 code; default: the account's"},
    "lineItems": {"type": "array", "minItems": 1, "maxItems": MAX_LINES, "items": _ref("LineItemInput")},
    "notes": _text(5000),
    "terms": _text(5000),
    "frequency": {"type": "string", "enum": [f.value for f in Frequency]},
    "interval": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_INTERVAL, "default": 1},
    "startDate": {
        "type": ["string", "null"],
        "format": "date",
        "description": "The anchor of every date (31 January monthly: 28/29 February, 31 March); default: today",
    },
    "endDate": {"type": ["string", "null"], "format": "date", "description": "The last possible date (inclusive)"},
    "count": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_COUNT, "description": "How many invoices"},
    "dueDays": {
        "type": ["integer", "null"],
        "minimum": 0,
        "maximum": MAX_DUE_DAYS,
        "description": "Days from each invoice's date to its due date; default: the account's payment terms",
    },
    "action": {"type": "string", "enum": list(ACTIONS), "description": "draft: make drafts; send: issue each"},
    "active": {"type": "boolean", "description": "false pauses; resuming makes no invoice dated before the resume"},
}
SCHEMAS["RecurringInvoiceInput"] = {"type": "object", "additionalProperties": False, "properties": _SCHEDULE}
SCHEMAS["RecurringInvoiceCreate"] = {
    **SCHEMAS["RecurringInvoiceInput"],
    "required": ["clientId", "lineItems", "frequency"],
}
SCHEMAS["RecurringInvoice"] = {
    "type": "object",
    "required": ["id", *_SCHEDULE, "nextDate", "createdAt", "updatedAt"],
    "properties": {
        "id": {"type": "string"},
        **_SCHEDULE,
        "lineItems": {"type": "array", "items": _ref("LineItemInput")},
        "currency": {"type": "string"},
        "interval": {"type": "integer"},
        "nextDate": {
            "type": ["string", "null"],
            "format": "date",
            "description": "The date of the next invoice it makes (null when paused or ended); read-only",
        },
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
    },
}
for _name, _item in (
    ("ClientList", "Client"),
    ("InvoiceList", "InvoiceSummary"),
    ("CreditNoteList", "CreditNote"),
    ("RecurringInvoiceList", "RecurringInvoice"),
    ("QuoteList", "QuoteSummary"),
):
    SCHEMAS[_name] = {
        "type": "object",
        "required": ["data", "total", "page", "limit", "totalPages"],
        "properties": {
            "data": {"type": "array", "items": _ref(_item)},
            **{k: {"type": "integer"} for k in ("total", "page", "limit", "totalPages")},
        },
    }

ERRORS = {
    "400": "Invalid input: malformed JSON, wrong types, unknown fields, bad dates or query parameters",
    "401": "Missing, malformed, unknown or revoked API key",
    "403": "Plan limit reached",
    "404": "No such resource in this account",
    "409": "A taken invoice number, a change to an invoice that is no longer a DRAFT, no mail server configured "
    "(sending by e-mail), a quote whose status does not allow the change, a retry while the first request with "
    "its Idempotency-Key still runs, or an e-invoice of a draft or lacking data EN 16931 requires (the missing "
    "business terms are named)",
    "413": f"Request body over {MAX_BODY_BYTES // 2**20} MiB (a logo: over {logos.MAX_BYTES // 1024} KiB, or more "
    f"than {logos.MAX_PIXELS:,} pixels)",
    "415": "A logo that is not sent as image/png or image/jpeg",
    "422": "An Idempotency-Key reused with a different request",
    "429": f"Rate limit exceeded ({LIMIT} requests per minute per key); see Retry-After",
    "500": "Unexpected failure",
    "503": "The database is busy or its disk is full; nothing changed; see Retry-After",
    "502": "The mail server refused the message or could not be reached (its reason in the error); nothing changed",
}
RATE_HEADERS = {
    name: {"schema": {"type": "string" if name.startswith("RateLimit") else "integer"}}
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy", "RateLimit")
}


def _data(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["data"], "properties": {"data": schema}}


def _json(description: str, schema: dict[str, Any], headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _operation(
    summary: str,
    ok: tuple[str, dict[str, Any]],
    errors: str,
    body: str | None = None,
    params: list[dict[str, Any]] | None = None,
    keyed: bool = True,
) -> dict[str, Any]:
    codes = ("400", "401", "404", "429", "500") if keyed else ("500",)
    codes += tuple(errors.split()) + (("413",) if body else ())
    responses = {code: _json(ERRORS[code], _ref("Error")) for code in sorted(set(codes))}
    responses["429"] = (
        _json(ERRORS["429"], _ref("Error"), {"Retry-After": {"schema": {"type": "integer"}}}) if keyed else None
    )
    responses = {k: v for k, v in responses.items() if v}
    responses[ok[0]] = ok[1]
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if not keyed:
        operation["security"] = []
    if params:
        operation["parameters"] = params
    if body:
        media: dict[str, Any] = {"schema": _ref(body)}
        if body in EXAMPLES:
            media["example"] = EXAMPLES[body]
        operation["requestBody"] = {"required": True, "content": {"application/json": media}}
    return operation


EXAMPLES: dict[str, Any] = {  # the seed's own examples
    "ClientCreate": {
        "name": "Acme Corp",
        "email": "billing@acme.example",
        "address": "123 Main St, New York, NY 10001",
        "taxId": "US-123456789",
        "phone": "+1-555-0100",
        "notes": "Net 30 terms",
    },
    "InvoiceCreate": {
        "clientId": "clx1a2b3c4d5e6f7g8h9i0j1k",
        "invoiceNumber": "INV-0042",
        "currency": "USD",
        "issueDate": "2024-06-01",
        "dueDate": "2024-07-01",
        "lineItems": [{"description": "Web Development", "quantity": 40, "unitPrice": 125.00, "taxRate": 10}],
        "notes": "Thank you for your business",
        "terms": "Payment due within 30 days",
    },
    "PaymentInput": {"amount": 2750.00, "date": "2024-06-15", "method": "bank transfer"},
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "description": "Makes a POST safe to retry: the first response is replayed for 24 hours",
}


def _idempotent(operation: dict[str, Any]) -> dict[str, Any]:
    """A POST that takes an ``Idempotency-Key``, with the answers that brings."""
    responses = {**operation["responses"]}
    for code in ("409", "422"):
        responses.setdefault(code, _json(ERRORS[code], _ref("Error")))
    return {**operation, "parameters": [IDEMPOTENCY_KEY], "responses": responses}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


LIST_PARAMS = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}, "Items per page"),
    _query("search", {"type": "string", "maxLength": MAX_SEARCH}, "Case-insensitive substring search"),
]
ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
NO_CONTENT = {"description": "Done; no body"}


DESCRIPTION = """The CleverInvo v1 API, self-hosted. Money is carried as exact JSON numbers.

Limits on input (each refused with 400 and a message naming the field):

- Numbers: quantities, prices and amounts have at most 6 decimal places, tax and discount rates at most 4, a
  payment at most its currency's places; an integer has at most 40 digits; NaN and Infinity are refused.
- Text: control characters are refused everywhere, and so are lone surrogates. Line breaks and tabs are allowed
  only in multi-line fields (addresses, notes, terms, line descriptions, e-mail messages). Invoice numbers and
  number prefixes refuse invisible and direction-changing characters (bidi controls, zero-width characters).
- Dates are YYYY-MM-DD up to 9999-12-31, and so must be the defaults derived from them.

Conventions: single resources carry an ETag (send If-None-Match for 304, If-Match on PUT, PATCH and DELETE for
412 when the resource changed); a 201 carries Location; large JSON is gzipped when asked for; a busy or full
database answers 503 with Retry-After."""

TAGS = {
    "service": "The server itself: liveness and this document (no API key)",
    "account": "The account the API key belongs to: seller profile, numbering and defaults",
    "clients": "The people and companies invoiced",
    "invoices": "Invoices, their PDFs, sending, payments and history",
    "credit-notes": "Corrections of issued invoices",
    "quotes": "Estimates that may become invoices",
    "recurring-invoices": "Schedules that make invoices by themselves",
}


def _operation_ids() -> dict[tuple[str, str], str]:
    """An operationId for every route and method, from the routing table's names (``client-update`` →
    ``clientUpdate``; PATCH beside PUT gets ``Patch`` after it)."""
    from cleverinvo.server.routes import routes

    ids: dict[tuple[str, str], str] = {}
    for route in routes:
        methods = getattr(route, "methods", None) or set()
        words = str(getattr(route, "name", "")).replace("_", "-").split("-")
        base = words[0] + "".join(w.capitalize() for w in words[1:])
        for method in methods - {"HEAD"}:
            suffix = "Patch" if method == "PATCH" and "PUT" in methods else ""
            ids[(getattr(route, "path", ""), method.lower())] = base + suffix
    return ids


VALIDATOR_PARAMS = {
    "get": {"name": "If-None-Match", "description": "An ETag from an earlier read: 304 if unchanged"},
    "put": {"name": "If-Match", "description": "The ETag read before: 412 if the resource changed since"},
}
VALIDATOR_PARAMS["patch"] = VALIDATOR_PARAMS["delete"] = VALIDATOR_PARAMS["put"]


def _conventions(document: dict[str, Any]) -> dict[str, Any]:
    """Every operation gets its operationId, its tag, a 503 when it needs the database, and the validators and
    headers of single resources (ETag, If-None-Match, If-Match) and creations (Location)."""
    from cleverinvo.server.conventions import COLLECTION, SINGLE

    ids = _operation_ids()
    used_tags: set[str] = set()
    for path, item in document["paths"].items():
        segments = path.removeprefix("/api/v1/").split("/")
        tag = segments[0] if path.startswith("/api/v1/") and segments[0] != "openapi.json" else "service"
        for method, operation in item.items():
            if method == "parameters":
                continue
            operation.setdefault("operationId", ids.get((path, method), method + path.replace("/", "_")))
            operation.setdefault("tags", [tag])
            used_tags.update(operation["tags"])
            responses = operation["responses"]
            if operation.get("security") != []:
                responses.setdefault("503", _json(ERRORS["503"], _ref("Error"), {"Retry-After": INTEGER_HEADER}))
            if SINGLE.match(path.replace("{id}", "x")) and method in VALIDATOR_PARAMS:
                param = {**VALIDATOR_PARAMS[method], "in": "header", "required": False, "schema": {"type": "string"}}
                operation["parameters"] = [*operation.get("parameters", []), param]
                if method == "get":
                    responses["304"] = {"description": "Not modified", "headers": {"ETag": STRING_HEADER}}
                else:
                    responses["412"] = _json("The resource changed since the ETag given", _ref("Error"))
                for code in ("200",):
                    if code in responses:
                        responses[code] = {**responses[code], "headers": {**responses[code].get("headers", {})}}
                        responses[code]["headers"]["ETag"] = STRING_HEADER
            if COLLECTION.match(path) and method == "post" and "201" in responses:
                responses["201"] = {**responses["201"], "headers": {**responses["201"].get("headers", {})}}
                responses["201"]["headers"]["Location"] = STRING_HEADER
    document["tags"] = [
        {"name": name, "description": TAGS.get(name, f"The {name.replace('-', ' ')} endpoints")}
        for name in sorted(used_tags, key=lambda n: (n != "service", n))
    ]
    return document


STRING_HEADER = {"schema": {"type": "string"}}
INTEGER_HEADER = {"schema": {"type": "integer"}}


@cache
def document() -> dict[str, Any]:
    """The whole document; every response this server gives is described here."""
    client = _json("The client", _data(_ref("Client")), RATE_HEADERS)
    invoice = _json("The invoice", _data(_ref("Invoice")), RATE_HEADERS)
    created_invoice = _json("Created; the PDF is rendered right after", _data(_ref("Invoice")), RATE_HEADERS)
    payment = _json("The payment", _data(_ref("Payment")), RATE_HEADERS)
    credit_note = _json("The credit note", _data(_ref("CreditNote")), RATE_HEADERS)
    schedule = _json("The recurring invoice schedule", _data(_ref("RecurringInvoice")), RATE_HEADERS)
    account = _json("The account and its settings", _data(_ref("Account")), RATE_HEADERS)
    logo_body = {
        "required": True,
        "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in logos.MEDIA_TYPES},
    }
    logo_put = _operation(
        f"Set the logo: a PNG or JPEG of at most {logos.MAX_BYTES // 1024} KiB, stored decoded and re-encoded, "
        f"scaled down to {logos.MAX_SIDE} pixels on its longer side",
        ("200", account),
        "413 415",
    )
    logo_image = {
        "description": "The logo as stored",
        "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in logos.MEDIA_TYPES},
    }
    pdf = {
        "description": "The invoice as a PDF file",
        "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
    xml = {
        "description": "The invoice as EN 16931 XML, named <invoiceNumber>.xml",
        "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
    syntax = _query(
        "syntax",
        {"type": "string", "enum": ["cii", "ubl"], "default": "cii"},
        "cii: UN/CEFACT CII, Factur-X / ZUGFeRD EN 16931 profile; ubl: UBL 2.1, Peppol BIS Billing 3.0",
    )
    quote = _json("The quote", _data(_ref("Quote")), RATE_HEADERS)
    quote_pdf = {**pdf, "description": "The quote as a PDF file"}
    quote_filters = [
        *LIST_PARAMS,
        _query("clientId", {"type": "string"}, "Only this client's quotes"),
        _query("status", {"type": "string", "enum": [s.value for s in QuoteStatus]}, "Only quotes with this status"),
    ]
    invoice_filters = [
        *LIST_PARAMS,
        _query("clientId", {"type": "string"}, "Only this client's invoices"),
        _query("status", {"type": "string", "enum": [s.value for s in Status]}, "Only invoices with this status"),
    ]
    return _conventions(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "CleverInvo API",
                "version": __version__,
                "description": DESCRIPTION,
                "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
            },
            "servers": [{"url": "/"}],
            "security": [{"bearer": []}],
            "components": {
                "schemas": SCHEMAS,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "cinv_…"}},
            },
            "paths": {
                "/healthz": {
                    "get": _operation("Liveness check", ("200", _json("Alive", {"type": "object"})), "", keyed=False)
                },
                "/api/v1/openapi.json": {
                    "get": _operation(
                        "This document", ("200", _json("OpenAPI 3.1", {"type": "object"})), "", keyed=False
                    )
                },
                "/api/v1/account": {
                    "get": _operation("The key's account with every setting", ("200", account), ""),
                    "patch": _operation(
                        "Change account settings (only those sent)", ("200", account), "", body="AccountInput"
                    ),
                },
                "/api/v1/account/logo": {
                    "get": _operation("Download the logo", ("200", logo_image), ""),
                    "put": {**logo_put, "requestBody": logo_body},
                    "delete": _operation("Remove the logo", ("204", NO_CONTENT), ""),
                },
                "/api/v1/clients": {
                    "get": _operation(
                        "List active clients",
                        ("200", _json("A page of clients", _ref("ClientList"), RATE_HEADERS)),
                        "",
                        params=LIST_PARAMS,
                    ),
                    "post": _idempotent(_operation("Create a client", ("201", client), "403", body="ClientCreate")),
                },
                "/api/v1/clients/{id}": {
                    "parameters": ID,
                    "get": _operation("Get a client (archived ones too)", ("200", client), ""),
                    "put": _operation(
                        "Update a client (only the fields sent)", ("200", client), "403", body="ClientUpdate"
                    ),
                    "patch": _operation(
                        "Update a client (only the fields sent)", ("200", client), "403", body="ClientUpdate"
                    ),
                    "delete": _operation("Archive a client (isActive=false)", ("204", NO_CONTENT), ""),
                },
                "/api/v1/invoices": {
                    "get": _operation(
                        "List invoices",
                        ("200", _json("A page of invoices", _ref("InvoiceList"), RATE_HEADERS)),
                        "",
                        params=invoice_filters,
                    ),
                    "post": _idempotent(
                        _operation("Create an invoice", ("201", created_invoice), "403 409", body="InvoiceCreate")
                    ),
                },
                "/api/v1/invoices/{id}": {
                    "parameters": ID,
                    "get": _operation("Get an invoice with line items, payments and client", ("200", invoice), ""),
                    "put": _operation("Update a DRAFT invoice", ("200", invoice), "409", body="InvoiceInput"),
                    "patch": _operation("Update a DRAFT invoice", ("200", invoice), "409", body="InvoiceInput"),
                    "delete": _operation(
                        "Delete a DRAFT invoice (an issued one is corrected by a credit note); the newest automatic "
                        "number is given back",
                        ("204", NO_CONTENT),
                        "409",
                    ),
                },
                "/api/v1/invoices/{id}/pdf": {
                    "parameters": ID,
                    "get": _operation("Download the invoice PDF", ("200", pdf), ""),
                },
                "/api/v1/invoices/{id}/xml": {
                    "parameters": ID,
                    "get": _operation(
                        "Download the issued invoice as an EN 16931 e-invoice (409 names the business terms missing)",
                        ("200", xml),
                        "409",
                        params=[syntax],
                    ),
                },
                "/api/v1/invoices/{id}/send": {
                    "parameters": ID,
                    "post": _idempotent(
                        _operation(
                            "Issue an invoice: mark it sent, or e-mail it (viaEmail); e-mailing again re-sends",
                            ("200", invoice),
                            "409 413 502",
                            body="SendInput",
                        )
                    ),
                },
                "/api/v1/invoices/{id}/payments": {
                    "parameters": ID,
                    "get": _operation(
                        "List an invoice's payments",
                        ("200", _json("Payments", _data({"type": "array", "items": _ref("Payment")}), RATE_HEADERS)),
                        "",
                    ),
                    "post": _idempotent(_operation("Record a payment", ("201", payment), "409", body="PaymentInput")),
                },
                "/api/v1/recurring-invoices": {
                    "get": _operation(
                        "List recurring invoice schedules",
                        ("200", _json("A page of schedules", _ref("RecurringInvoiceList"), RATE_HEADERS)),
                        "",
                        params=LIST_PARAMS,
                    ),
                    "post": _idempotent(
                        _operation(
                            "Create a recurring invoice schedule", ("201", schedule), "", body="RecurringInvoiceCreate"
                        )
                    ),
                },
                "/api/v1/recurring-invoices/{id}": {
                    "parameters": ID,
                    "get": _operation("Get a schedule", ("200", schedule), ""),
                    "put": _operation("Update a schedule", ("200", schedule), "", body="RecurringInvoiceInput"),
                    "patch": _operation("Update a schedule", ("200", schedule), "", body="RecurringInvoiceInput"),
                    "delete": _operation(
                        "Delete a schedule; the invoices it made stay, with their recurringId", ("204", NO_CONTENT), ""
                    ),
                },
                "/api/v1/quotes": {
                    "get": _operation(
                        "List quotes",
                        ("200", _json("A page of quotes", _ref("QuoteList"), RATE_HEADERS)),
                        "",
                        params=quote_filters,
                    ),
                    "post": _idempotent(_operation("Create a quote", ("201", quote), "409", body="QuoteCreate")),
                },
                "/api/v1/quotes/{id}": {
                    "parameters": ID,
                    "get": _operation("Get a quote with its line items and client", ("200", quote), ""),
                    "put": _operation("Update a DRAFT quote", ("200", quote), "409", body="QuoteInput"),
                    "patch": _operation("Update a DRAFT quote", ("200", quote), "409", body="QuoteInput"),
                    "delete": _operation(
                        "Delete a DRAFT quote; the newest automatic number is given back", ("204", NO_CONTENT), "409"
                    ),
                },
                "/api/v1/quotes/{id}/pdf": {
                    "parameters": ID,
                    "get": _operation("Download the quote PDF, in the quote's language", ("200", quote_pdf), ""),
                },
                "/api/v1/quotes/{id}/send": {
                    "parameters": ID,
                    "post": _idempotent(
                        _operation(
                            "Send a quote: mark a DRAFT sent, or e-mail it (viaEmail) with its PDF and the link to its "
                            "view page, where the client accepts or declines it; e-mailing again re-sends",
                            ("200", quote),
                            "409 413 502",
                            body="SendInput",
                        )
                    ),
                },
                "/api/v1/quotes/{id}/accept": {
                    "parameters": ID,
                    "post": _operation("The client accepted a SENT quote (not once it expired)", ("200", quote), "409"),
                },
                "/api/v1/quotes/{id}/decline": {
                    "parameters": ID,
                    "post": _operation("The client declined a SENT quote", ("200", quote), "409"),
                },
                "/api/v1/quotes/{id}/invoice": {
                    "parameters": ID,
                    "post": _operation(
                        "Make a draft invoice from the quote (once; not from a declined quote); a second call is 409",
                        ("201", created_invoice),
                        "403 409",
                    ),
                },
                "/api/v1/invoices/{id}/payments/{paymentId}": {
                    "parameters": [
                        *ID,
                        {"name": "paymentId", "in": "path", "required": True, "schema": {"type": "string"}},
                    ],
                    "delete": _operation("Remove a payment recorded by mistake", ("204", NO_CONTENT), ""),
                },
                "/api/v1/quotes/{id}/events": {
                    "parameters": ID,
                    "get": _operation(
                        "A quote's history, oldest first",
                        ("200", _json("Events", _data({"type": "array", "items": _ref("Event")}), RATE_HEADERS)),
                        "",
                    ),
                },
                "/api/v1/invoices/{id}/events": {
                    "parameters": ID,
                    "get": _operation(
                        "An invoice's history, oldest first",
                        ("200", _json("Events", _data({"type": "array", "items": _ref("Event")}), RATE_HEADERS)),
                        "",
                    ),
                },
                "/api/v1/invoices/{id}/credit-notes": {
                    "parameters": ID,
                    "post": _idempotent(
                        _operation(
                            "Credit an issued invoice: the lines given, or everything not yet credited (never more "
                            "than is left)",
                            ("201", credit_note),
                            "409",
                            body="CreditNoteInput",
                        )
                    ),
                },
                "/api/v1/credit-notes": {
                    "get": _operation(
                        "List credit notes",
                        ("200", _json("A page of credit notes", _ref("CreditNoteList"), RATE_HEADERS)),
                        "",
                        params=[
                            *LIST_PARAMS,
                            _query("invoiceId", {"type": "string"}, "Only this invoice's credit notes"),
                        ],
                    ),
                },
                "/api/v1/credit-notes/{id}": {
                    "parameters": ID,
                    "get": _operation("Get a credit note", ("200", credit_note), ""),
                },
                "/api/v1/credit-notes/{id}/pdf": {
                    "parameters": ID,
                    "get": _operation(
                        "Download the credit note's PDF",
                        ("200", {**pdf, "description": "The credit note as a PDF file"}),
                        "",
                    ),
                },
                "/api/v1/credit-notes/{id}/xml": {
                    "parameters": ID,
                    "get": _operation(
                        "Download the credit note as an EN 16931 e-invoice, type 381 (409 names the terms missing)",
                        ("200", xml),
                        "409",
                        params=[syntax],
                    ),
                },
            },
        }
    )
