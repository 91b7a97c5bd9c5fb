"""Account settings: the seller profile, bank details, numbering, defaults, language, reminders, e-invoicing and
the logo. Every refusal names its field and changes nothing."""

import io

import pytest
from PIL import Image

from cleverinvo.core import Books, ValidationError
from cleverinvo.core.errors import TooLarge, UnsupportedMediaType
from cleverinvo.core.logos import MAX_BYTES, MAX_SIDE
from cleverinvo.core.records import Language

EVERYTHING = {
    "sellerName": "Zoë Ørsted",
    "sellerAddress": "Hauptstraße 5\nHinterhaus",
    "sellerPostalCode": "10115",
    "sellerCity": "Berlin",
    "sellerCountry": "de",
    "sellerEmail": "zoe@studio.example",
    "sellerPhone": "+49 30 1234567",
    "sellerTaxId": "DE123456789",
    "sellerRegistration": "HRB 12345, Amtsgericht Charlottenburg",
    "iban": "de89 3704 0044 0532 0130 00",
    "bic": "cobadeffxxx",
    "bankName": "Commerzbank",
    "numberPrefix": "RE-",
    "numberWidth": 5,
    "nextNumber": 42,
    "creditNotePrefix": "GS-",
    "quotePrefix": "AN-",
    "defaultCurrency": "EUR",
    "paymentTermsDays": 14,
    "defaultNotes": "Danke!",
    "defaultTerms": "Zahlbar ohne Abzug.",
    "language": "de",
    "paperSize": "Letter",
    "reminderDays": [30, 3, 14, 3],
    "eInvoice": True,
}


def png(width: int = 64, height: int = 32, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "red").save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 64, height: int = 32) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(out, "JPEG", comment=b"from the camera")
    return out.getvalue()


def test_defaults_of_a_new_account(books: Books) -> None:
    account = books.settings.get()
    assert (account.credit_note_prefix, account.quote_prefix, account.language) == ("CN-", "QUO-", Language.EN)
    assert (account.reminder_days, account.e_invoice, account.bank.iban, account.seller.country) == (
        (),
        False,
        None,
        None,
    )
    assert books.settings.logo() is None


def test_every_setting_is_stored_normalized(books: Books) -> None:
    account = books.settings.update(EVERYTHING)
    seller = account.seller
    assert (seller.name, seller.address, seller.postal_code, seller.city, seller.country) == (
        "Zoë Ørsted",
        "Hauptstraße 5\nHinterhaus",
        "10115",
        "Berlin",
        "DE",
    )
    assert (seller.email, seller.phone, seller.tax_id, seller.registration) == (
        "zoe@studio.example",
        "+49 30 1234567",
        "DE123456789",
        "HRB 12345, Amtsgericht Charlottenburg",
    )
    assert (account.bank.iban, account.bank.bic, account.bank.bank_name) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
        "Commerzbank",
    )
    assert (account.number_prefix, account.number_width, account.next_number) == ("RE-", 5, 42)
    assert (account.credit_note_prefix, account.quote_prefix) == ("GS-", "AN-")
    assert (account.default_currency, account.payment_terms_days) == ("EUR", 14)
    assert (account.default_notes, account.default_terms) == ("Danke!", "Zahlbar ohne Abzug.")
    assert (account.language, account.paper_size.value, account.e_invoice) == (Language.DE, "Letter", True)
    assert account.reminder_days == (3, 14, 30)
    assert books.settings.get() == account


def test_settings_can_be_cleared(books: Books) -> None:
    books.settings.update(EVERYTHING)
    cleared = books.settings.update(
        {"sellerCountry": None, "iban": "", "bic": None, "reminderDays": [], "sellerRegistration": None}
    )
    assert (cleared.seller.country, cleared.bank.iban, cleared.bank.bic) == (None, None, None)
    assert cleared.reminder_days == ()
    assert books.settings.update({"reminderDays": None}).reminder_days == ()
    assert books.settings.update({"creditNotePrefix": ""}).credit_note_prefix == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"iban": "DE89370400440532013001"}, "Invalid field: iban is not a valid IBAN: invalid checksum digits"),
        ({"iban": "XX89370400440532013000"}, "Invalid field: iban is not a valid IBAN: unknown country-code 'XX'"),
        ({"iban": "DE8937040044053201300"}, "Invalid field: iban is not a valid IBAN: invalid IBAN length"),
        ({"bic": "DEUTXXFF"}, "Invalid field: bic is not a valid BIC: invalid country code 'XX'"),
        ({"bic": "DE1"}, "Invalid field: bic is not a valid BIC: invalid length '3'"),
        ({"sellerCountry": "XX"}, "Invalid field: sellerCountry must be an ISO 3166-1 alpha-2 country code, e.g. DE"),
        ({"sellerCountry": "DEU"}, "Invalid field: sellerCountry must be an ISO 3166-1 alpha-2 country code, e.g. DE"),
        ({"sellerCountry": "EU"}, "Invalid field: sellerCountry must be an ISO 3166-1 alpha-2 country code, e.g. DE"),
        ({"sellerCountry": 49}, "Invalid field: sellerCountry must be an ISO 3166-1 alpha-2 country code, e.g. DE"),
        ({"language": "ja"}, "Invalid field: language must be one of en, de, fr, es, it, nl, pl, pt"),
        ({"language": None}, "Missing required field: language"),
        ({"language": ""}, "Missing required field: language"),
        ({"reminderDays": "3,14"}, "Invalid field: reminderDays must be a list of at most 20 whole numbers of days"),
        ({"reminderDays": list(range(1, 22))}, "Invalid field: reminderDays must be a list of at most 20 whole"),
        ({"reminderDays": [0]}, "Invalid field: reminderDays must hold whole numbers of days from 1 to 3650"),
        ({"reminderDays": [-3]}, "Invalid field: reminderDays must hold whole numbers of days"),
        ({"reminderDays": [True]}, "Invalid field: reminderDays must hold whole numbers of days"),
        ({"reminderDays": ["3"]}, "Invalid field: reminderDays must hold whole numbers of days"),
        ({"reminderDays": [3651]}, "Invalid field: reminderDays must hold whole numbers of days"),
        ({"eInvoice": "yes"}, "Invalid field: eInvoice must be true or false"),
        ({"eInvoice": None}, "Missing required field: eInvoice"),
        ({"creditNotePrefix": "x" * 21}, "Invalid field: creditNotePrefix must be at most 20 characters"),
        ({"quotePrefix": 7}, "Invalid field: quotePrefix must be a string"),
        ({"sellerPostalCode": "1" * 33}, "Invalid field: sellerPostalCode must be at most 32 characters"),
        ({"defaultNotes": "x" * 5001}, "Invalid field: defaultNotes must be at most 5000 characters"),
        ({"sellerCity": "東京"}, 'Invalid field: sellerCity contains "東" (U+6771 CJK UNIFIED IDEOGRAPH-6771)'),
        ({"bankName": "Bank 🏦"}, 'Invalid field: bankName contains "🏦" (U+1F3E6 BANK)'),
        ({"name": "other"}, "Invalid field: name is not a setting and cannot be changed here"),
        ({"plan": "pro"}, "Invalid field: plan is not a setting and cannot be changed here"),
        ({"colour": "red"}, "Unknown field: colour"),
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_change_nothing(books: Books, change: dict, message: str) -> None:
    before = books.settings.update(EVERYTHING)
    with pytest.raises(ValidationError) as refused:
        books.settings.update({"sellerName": "Changed", **change})
    assert refused.value.message.startswith(message)
    assert books.settings.get() == before


def test_every_country_and_language_can_be_chosen_by_name() -> None:
    from cleverinvo.core.i18n.regions import country_choices, language_choices

    countries = dict((code, name) for name, code in country_choices())
    assert len(countries) == 249
    assert (countries["DE"], countries["CI"]) == ("Germany", "Côte d’Ivoire")
    assert dict((code, name) for name, code in country_choices(Language.DE))["DE"] == "Deutschland"
    assert [code for _name, code in language_choices()] == [language.value for language in Language]
    assert dict(language_choices(Language.FR))["allemand"] == "de"


def test_a_png_logo_is_reencoded_and_kept_in_the_database(books: Books) -> None:
    sent = png()
    logo = books.settings.set_logo(sent, "image/png")
    assert (logo.media_type, logo.width, logo.height) == ("image/png", 64, 32)
    assert logo.data != sent and logo.data.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(logo.data)) as stored:
        assert stored.mode == "RGBA" and stored.getpixel((0, 0)) == (255, 0, 0, 255)
    assert books.settings.logo() == logo


def test_a_jpeg_logo_is_scaled_down_to_fit_and_loses_its_metadata(books: Books) -> None:
    logo = books.settings.set_logo(jpeg(3000, 1500))  # the kind is read from the content
    assert (logo.media_type, logo.width, logo.height) == ("image/jpeg", MAX_SIDE, MAX_SIDE // 2)
    assert b"from the camera" not in logo.data
    with Image.open(io.BytesIO(logo.data)) as stored:
        assert stored.format == "JPEG" and stored.size == (MAX_SIDE, MAX_SIDE // 2)


def test_a_new_logo_replaces_the_old_and_removing_it_leaves_none(books: Books) -> None:
    books.settings.set_logo(png(), "image/png")
    assert books.settings.set_logo(jpeg(), "image/jpeg").media_type == "image/jpeg"
    books.settings.remove_logo()
    assert books.settings.logo() is None
    books.settings.remove_logo()  # removing nothing is fine


@pytest.mark.parametrize(
    ("data", "media_type", "error", "message"),
    [
        (png(), "image/gif", UnsupportedMediaType, "Invalid logo: it must be image/png or image/jpeg, not image/gif"),
        (b"\x00" * (MAX_BYTES + 1), "image/png", TooLarge, "Invalid logo: it must be at most 512 KiB"),
        (b"", "image/png", ValidationError, "Invalid logo: the image is empty"),
        (b"GIF89a not really", None, ValidationError, "Invalid logo: it is not a PNG or JPEG image that can be read"),
        (png()[:60], "image/png", ValidationError, "Invalid logo: it is not a PNG or JPEG image that can be read"),
        (jpeg(), "image/png", ValidationError, "Invalid logo: it was sent as image/png but is a JPEG image"),
    ],
)
def test_bad_logos_are_refused_and_keep_the_old_one(
    books: Books, data: bytes, media_type: str | None, error: type, message: str
) -> None:
    kept = books.settings.set_logo(png(), "image/png")
    with pytest.raises(error) as refused:
        books.settings.set_logo(data, media_type)
    assert refused.value.message.startswith(message)
    assert books.settings.logo() == kept


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [7_000, 10_000, 20_000])
def test_a_small_file_holding_a_huge_image_is_refused_before_decoding(books: Books, side: int) -> None:
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")  # up to 400 megapixels in a few kilobytes
    assert len(out.getvalue()) < MAX_BYTES
    with pytest.raises(TooLarge) as refused:
        books.settings.set_logo(out.getvalue(), "image/png")
    assert refused.value.message == "Invalid logo: it has more than the 40,000,000 pixels CleverInvo decodes"


def test_a_new_invoice_starts_with_the_default_notes_terms_currency_and_days(books: Books) -> None:
    books.settings.update(EVERYTHING)
    client = books.clients.create({"name": "Acme"})
    body = {
        "clientId": client.id,
        "issueDate": "2026-12-01",
        "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1}],
    }
    made = books.invoices.create(body)
    assert (made.notes, made.terms, made.currency.code, made.due_date.isoformat()) == (
        "Danke!",
        "Zahlbar ohne Abzug.",
        "EUR",
        "2026-12-15",
    )
    own = books.invoices.create({**body, "notes": "Eigene", "terms": None})
    assert (own.notes, own.terms) == ("Eigene", None)
