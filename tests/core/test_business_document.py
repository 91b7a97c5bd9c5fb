"""The invoice as a business document: client addresses and languages, the invoice's language, buyer reference,
date of supply and exemption reason, VAT categories per line with tax grouped per (category, rate), and text the
PDF font cannot print refused on input."""

import datetime as dt
from decimal import Decimal

import pytest

from cleverinvo.core import Books, ValidationError
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import LineInput, compute_totals
from cleverinvo.core.money import currency
from cleverinvo.core.records import Client, Language
from tests.core.helpers import invoice_body, line

D = Decimal
REASON = "Reverse charge: VAT to be paid by the recipient"


def test_clients_keep_postal_code_city_country_and_language(books: Books) -> None:
    made = books.clients.create(
        {
            "name": "Łódź Sp. z o.o.",
            "address": "ul. Piotrkowska 1\nlok. 2",
            "postalCode": "90-001",
            "city": "Łódź",
            "country": "pl",
            "language": "PL",
        }
    )
    assert (made.address, made.postal_code, made.city, made.country, made.language) == (
        "ul. Piotrkowska 1\nlok. 2",
        "90-001",
        "Łódź",
        "PL",
        Language.PL,
    )
    cleared = books.clients.update(made.id, {"country": None, "language": "", "city": None})
    assert (cleared.country, cleared.language, cleared.city, cleared.postal_code) == (None, None, None, "90-001")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"country": "Poland"}, "Invalid field: country must be an ISO 3166-1 alpha-2 country code, e.g. DE"),
        ({"language": "jp"}, "Invalid field: language must be one of en, de, fr, es, it, nl, pl, pt"),
        ({"postalCode": 90001}, "Invalid field: postalCode must be a string"),
        ({"city": "x" * 256}, "Invalid field: city must be at most 255 characters"),
        ({"name": "山田太郎"}, 'Invalid field: name contains "山" (U+5C71 CJK UNIFIED IDEOGRAPH-5C71)'),
        ({"address": "Straße ½\n北"}, 'Invalid field: address contains "北" (U+5317'),
    ],
)
def test_bad_client_fields_are_refused_and_change_nothing(
    books: Books, client: Client, body: dict, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        books.clients.update(client.id, body)
    assert refused.value.message.startswith(message)
    with pytest.raises(ValidationError):
        books.clients.create({"name": "New", **body})
    assert books.clients.get(client.id) == client
    assert books.clients.list().total == 1


def test_client_notes_are_not_printed_so_any_text_is_taken(books: Books, client: Client) -> None:
    assert books.clients.update(client.id, {"notes": "山田さんの会社"}).notes == "山田さんの会社"


def test_invoice_language_is_given_else_the_clients_else_the_accounts(books: Books, client: Client) -> None:
    books.settings.update({"language": "fr"})
    assert books.invoices.create(invoice_body(client.id)).language == Language.FR
    german = books.clients.create({"name": "Müller GmbH", "language": "de"})
    assert books.invoices.create(invoice_body(german.id)).language == Language.DE
    made = books.invoices.create(invoice_body(german.id, language="it"))
    assert made.language == Language.IT
    assert books.invoices.update(made.id, {"language": "nl"}).language == Language.NL
    assert books.invoices.duplicate(made.id).language == Language.NL
    for bad in ("xx", None, 3):
        with pytest.raises(ValidationError):
            books.invoices.update(made.id, {"language": bad})


def test_buyer_reference_service_date_and_period(books: Books, client: Client) -> None:
    made = books.invoices.create(invoice_body(client.id, buyerReference="PO-4711", serviceDate="2026-11-30"))
    assert (made.buyer_reference, made.service_date, made.service_period_start) == (
        "PO-4711",
        dt.date(2026, 11, 30),
        None,
    )
    period = books.invoices.update(
        made.id, {"serviceDate": None, "servicePeriodStart": "2026-11-01", "servicePeriodEnd": "2026-11-30"}
    )
    assert (period.service_date, period.service_period_start, period.service_period_end) == (
        None,
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    one_day = books.invoices.update(made.id, {"servicePeriodStart": "2026-11-30"})
    assert one_day.service_period_start == one_day.service_period_end
    assert books.invoices.update(made.id, {"buyerReference": ""}).buyer_reference is None


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"serviceDate": "2026-11-30", "servicePeriodStart": "2026-11-01", "servicePeriodEnd": "2026-11-30"},
            "Invalid field: give either serviceDate or servicePeriodStart and servicePeriodEnd, not both",
        ),
        ({"servicePeriodStart": "2026-11-01"}, "Missing required field: servicePeriodEnd"),
        ({"servicePeriodEnd": "2026-11-01"}, "Missing required field: servicePeriodStart"),
        (
            {"servicePeriodStart": "2026-11-02", "servicePeriodEnd": "2026-11-01"},
            "Invalid field: servicePeriodEnd must not be before servicePeriodStart",
        ),
        ({"serviceDate": "2026-02-30"}, "Invalid field: serviceDate"),
        ({"buyerReference": "x" * 256}, "Invalid field: buyerReference must be at most 255 characters"),
        ({"buyerReference": "注文"}, 'Invalid field: buyerReference contains "注"'),
    ],
)
def test_bad_supply_dates_and_references_are_refused(books: Books, client: Client, dates: dict, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        books.invoices.create(invoice_body(client.id, **dates))
    assert refused.value.message.startswith(message)
    assert books.invoices.list().total == 0
    made = books.invoices.create(invoice_body(client.id))
    with pytest.raises(ValidationError) as refused:
        books.invoices.update(made.id, dates)
    assert refused.value.message.startswith(message)
    assert books.invoices.get(made.id) == made


def test_a_period_cannot_be_added_to_an_invoice_with_a_service_date(books: Books, client: Client) -> None:
    made = books.invoices.create(invoice_body(client.id, serviceDate="2026-11-30"))
    with pytest.raises(ValidationError) as refused:
        books.invoices.update(made.id, {"servicePeriodStart": "2026-11-01", "servicePeriodEnd": "2026-11-30"})
    assert "not both" in refused.value.message
    assert books.invoices.get(made.id) == made


def test_tax_categories_default_by_rate_and_are_kept(books: Books, client: Client) -> None:
    made = books.invoices.create(
        invoice_body(
            client.id,
            line("Standard", taxRate=19),
            line("Books", taxRate=0),
            line("Export", taxRate=0, taxCategory="G"),
            line("Exempt", taxRate=0, taxCategory="E"),
            line("Zero", taxCategory="Z"),
            taxExemptionReason="Export outside the EU; medical services exempt (§ 4 UStG)",
        )
    )
    assert [li.tax_category.value for li in made.line_items] == ["S", "Z", "G", "E", "Z"]
    assert books.invoices.duplicate(made.id).line_items == made.line_items
    assert made.tax_exemption_reason == "Export outside the EU; medical services exempt (§ 4 UStG)"


def test_tax_is_grouped_per_category_and_rate_with_every_base(books: Books, client: Client) -> None:
    made = books.invoices.create(
        invoice_body(
            client.id,
            line("A", 1, "100.00", taxRate=19),
            line("B", 1, "50.00", taxRate=7),
            line("C", 1, "30.00"),
            line("D", 1, "20.00", taxRate=0, taxCategory="AE"),
            line("E", 1, "10.00", taxCategory="AE", discountRate=50),
            line("F", 1, "5.00", taxCategory="K"),
            line("G", 2, "100.00", taxRate=19, discountRate=10),
            taxExemptionReason=REASON,
        )
    )
    assert [(t.category.value, t.rate, t.base, t.tax) for t in made.taxes] == [
        ("AE", D(0), D("25.00"), D("0.00")),
        ("K", D(0), D("5.00"), D("0.00")),
        ("Z", D(0), D("30.00"), D("0.00")),
        ("S", D(7), D("50.00"), D("3.50")),
        ("S", D(19), D("280.00"), D("53.20")),
    ]
    assert sum(t.base for t in made.taxes) == made.subtotal - made.discount_total
    assert made.tax_total == sum(t.tax for t in made.taxes)


def test_totals_group_by_category_as_a_pure_function() -> None:
    totals = compute_totals(
        [
            LineInput(D(1), D("10"), D(0)),
            LineInput(D(1), D("10"), D("0.00"), tax_category=TaxCategory.EXEMPT),
            LineInput(D(1), D("10"), D("0")),
        ],
        currency("EUR"),
    )
    assert [(t.category, t.base) for t in totals.taxes] == [(TaxCategory.EXEMPT, D("10.00")), ("Z", D("20.00"))]


@pytest.mark.parametrize(
    ("lines", "extra", "message"),
    [
        ([line(taxRate=19, taxCategory="Z")], {}, "Invalid field: lineItems[0].taxCategory Z (zero rated) needs a "),
        ([line(taxCategory="S")], {}, "Invalid field: lineItems[0].taxCategory S (standard rate) needs a taxRate ab"),
        ([line(taxRate=0, taxCategory="S")], {}, "Invalid field: lineItems[0].taxCategory S (standard rate) needs"),
        (
            [line(), line(taxRate=7, taxCategory="AE")],
            {"taxExemptionReason": REASON},
            "Invalid field: lineItems[1].taxCategory AE (reverse charge) needs a taxRate of 0",
        ),
        ([line(taxCategory="X")], {}, "Invalid field: lineItems[0].taxCategory must be one of S, Z, E, AE, K, G, O"),
        ([line(taxCategory="ae")], {}, "Invalid field: lineItems[0].taxCategory must be one of"),
        ([line(taxCategory=1)], {}, "Invalid field: lineItems[0].taxCategory must be one of"),
        *(
            (
                [line(taxRate=19), line(taxCategory=code)],
                {},
                f"Missing required field: taxExemptionReason (lineItems[1] has tax category {code}, ",
            )
            for code in ("E", "AE", "K", "G", "O")
        ),
        (
            [line(taxCategory="E")],
            {"taxExemptionReason": "   "},
            "Missing required field: taxExemptionReason (lineItems[0] has tax category E, exempt from VAT)",
        ),
        ([line()], {"taxExemptionReason": "x" * 1001}, "Invalid field: taxExemptionReason must be at most 1000"),
        ([line()], {"taxExemptionReason": "Art. 196 § 日"}, 'Invalid field: taxExemptionReason contains "日"'),
    ],
)
def test_tax_category_rules_refuse_and_change_nothing(
    books: Books, client: Client, lines: list, extra: dict, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        books.invoices.create(invoice_body(client.id, *lines, **extra))
    assert refused.value.message.startswith(message)
    assert books.invoices.list().total == 0
    made = books.invoices.create(invoice_body(client.id))
    with pytest.raises(ValidationError) as refused:
        books.invoices.update(made.id, {"lineItems": lines, **extra})
    assert refused.value.message.startswith(message)
    assert books.invoices.get(made.id) == made


def test_the_exemption_reason_stays_while_an_exempt_line_needs_it(books: Books, client: Client) -> None:
    made = books.invoices.create(invoice_body(client.id, line(taxCategory="AE"), taxExemptionReason=REASON))
    with pytest.raises(ValidationError) as refused:
        books.invoices.update(made.id, {"taxExemptionReason": None})
    assert refused.value.field == "taxExemptionReason"
    assert books.invoices.get(made.id) == made
    standard = books.invoices.update(made.id, {"lineItems": [line(taxRate=20)], "taxExemptionReason": None})
    assert (standard.tax_exemption_reason, standard.line_items[0].tax_category) == (None, TaxCategory.STANDARD)
    with pytest.raises(ValidationError):
        books.invoices.update(made.id, {"lineItems": [line(taxCategory="O")]})


def test_printable_text_covers_what_europe_writes(books: Books, client: Client) -> None:
    text = "Zoë Ørsted – Łódź, Ελληνικά, Кириллица, € £ ½ ° © № «»"
    made = books.invoices.create(invoice_body(client.id, line(text), notes=text, terms=text))
    assert made.line_items[0].description == made.notes == made.terms == text
    assert books.clients.update(client.id, {"name": text}).name == text
    assert books.settings.update({"sellerName": text, "defaultNotes": text}).seller.name == text


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("notes", {"notes": "Merci 🙏"}),
        ("terms", {"terms": "条件"}),
        ("invoiceNumber", {"invoiceNumber": "INV-ᚠ"}),  # runic: outside the font (① is in it)
        ("lineItems[1].description", {"lineItems": [line(), line("Sushi 寿司")]}),
    ],
)
def test_invoice_text_the_font_cannot_print_is_refused_naming_the_character(
    books: Books, client: Client, field: str, body: dict
) -> None:
    with pytest.raises(ValidationError) as refused:
        books.invoices.create({**invoice_body(client.id), **body})
    assert refused.value.field == field
    assert refused.value.message.startswith(f"Invalid field: {field} contains ")
    assert refused.value.message.endswith(", which invoices cannot print")
    assert books.invoices.list().total == 0


PERIOD = {"servicePeriodStart": "2026-11-01", "servicePeriodEnd": "2026-11-30"}
NOT_PRINTED = '"注" (U+6CE8 CJK UNIFIED IDEOGRAPH-6CE8), which invoices cannot print'


@pytest.mark.parametrize(
    ("lines", "extra", "name", "line_index", "problem"),
    [
        (
            [line(taxRate=7, taxCategory="AE")],
            {"taxExemptionReason": REASON},
            "taxCategory",
            0,
            "AE (reverse charge) needs a tax rate of 0",
        ),
        ([line(taxCategory="S")], {}, "taxCategory", 0, "S (standard rate) needs a tax rate above 0"),
        (
            [line(), line(taxCategory="K")],
            {},
            "taxExemptionReason",
            None,
            "is required: line 2 has tax category K (intra-EU supply)",
        ),
        ([line("注文")], {}, "description", 0, f"contains {NOT_PRINTED}"),
        ([line()], {"buyerReference": "注文"}, "buyerReference", None, f"contains {NOT_PRINTED}"),
        (
            [line()],
            {"serviceDate": "2026-11-30", **PERIOD},
            "serviceDate",
            None,
            "cannot be given with a service period: give one date or a period, not both",
        ),
        (
            [line()],
            {"servicePeriodStart": "2026-11-01"},
            "servicePeriodEnd",
            None,
            "is required: a service period needs its start and its end",
        ),
        (
            [line()],
            {**PERIOD, "servicePeriodStart": "2026-12-01"},
            "servicePeriodEnd",
            None,
            "must not be before the start of the service period",
        ),
        ([line()], {"serviceDate": "2026-02-30"}, "serviceDate", None, "must be a date as YYYY-MM-DD"),
        ([line()], {"language": "ja"}, "language", None, "must be one of en, de, fr, es, it, nl, pl, pt"),
    ],
)
def test_refusals_also_say_the_problem_without_the_api_field_names(
    books: Books, client: Client, lines: list, extra: dict, name: str, line_index: int | None, problem: str
) -> None:
    """What a shell shows a person (the TUI: the field's label, the line counted from 1, then ``problem``) names no
    field as the API does (``lineItems[1]``, ``taxRate``), while the API's message stays as it was."""
    with pytest.raises(ValidationError) as refused:
        books.invoices.create(invoice_body(client.id, *lines, **extra))
    assert (refused.value.name, refused.value.line, refused.value.problem) == (name, line_index, problem)
    assert books.invoices.list().total == 0
