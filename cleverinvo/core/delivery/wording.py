"""What e-mails and the view page say, in each document language, and how they write money and dates.

Texts are looked up by their English wording (the gettext convention); a language without a translation of a
text falls back to English. Money and dates are formatted from CLDR through Babel.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "pt")
DEFAULT_LANGUAGE = "en"

_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "Invoice": "Rechnung",
        "Invoice {number} from {seller}": "Rechnung {number} von {seller}",
        "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
        "You can also view it online: {link}\n\nKind regards,\n{seller}": "Guten Tag {client},\n\nanbei erhalten "
        "Sie die Rechnung {number} über {total}, fällig am {dueDate}.\n\nSie können sie auch online ansehen: "
        "{link}\n\nMit freundlichen Grüßen\n{seller}",
        "Reminder: invoice {number} is due": "Zahlungserinnerung: Rechnung {number}",
        "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; {amountDue} "
        "is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please disregard this "
        "message.\n\nKind regards,\n{seller}": "Guten Tag {client},\n\nwir möchten Sie freundlich daran erinnern, "
        "dass die Rechnung {number} am {dueDate} fällig war; {amountDue} sind noch offen.\n\nSie können sie "
        "online ansehen: {link}\n\nFalls Sie bereits gezahlt haben, betrachten Sie diese Nachricht bitte als "
        "gegenstandslos.\n\nMit freundlichen Grüßen\n{seller}",
        "View the invoice": "Rechnung ansehen",
        "Invoice number": "Rechnungsnummer",
        "Issue date": "Rechnungsdatum",
        "Due date": "Fällig am",
        "From": "Von",
        "Bill to": "Rechnung an",
        "Description": "Beschreibung",
        "Quantity": "Menge",
        "Unit price": "Einzelpreis",
        "Tax": "MwSt.",
        "Amount": "Betrag",
        "Subtotal": "Zwischensumme",
        "Discount": "Rabatt",
        "Total": "Gesamt",
        "Paid": "Bezahlt",
        "Credited": "Gutgeschrieben",
        "Amount due": "Offener Betrag",
        "Status": "Status",
        "How to pay": "Zahlung",
        "Please transfer {amount} to": "Bitte überweisen Sie {amount} an",
        "Account holder": "Kontoinhaber",
        "Bank": "Bank",
        "Reference": "Verwendungszweck",
        "Scan with your banking app to pay": "Mit Ihrer Banking-App scannen und bezahlen",
        "Nothing is due. Thank you!": "Es ist nichts mehr offen. Vielen Dank!",
        "Download PDF": "PDF herunterladen",
        "Notes": "Hinweise",
        "Terms": "Bedingungen",
        "DRAFT": "Entwurf",
        "SENT": "Versendet",
        "VIEWED": "Angesehen",
        "PARTIALLY_PAID": "Teilweise bezahlt",
        "PAID": "Bezahlt",
        "OVERDUE": "Überfällig",
        "VOID": "Storniert",
        "Tax ID": "USt-IdNr.",
    },
    "fr": {
        "Invoice": "Facture",
        "Invoice {number} from {seller}": "Facture {number} de {seller}",
        "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
        "You can also view it online: {link}\n\nKind regards,\n{seller}": "Bonjour {client},\n\nveuillez trouver "
        "ci-joint la facture {number} d'un montant de {total}, à régler avant le {dueDate}.\n\nVous pouvez aussi "
        "la consulter en ligne : {link}\n\nCordialement,\n{seller}",
        "Reminder: invoice {number} is due": "Rappel : facture {number} à régler",
        "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; {amountDue} "
        "is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please disregard this "
        "message.\n\nKind regards,\n{seller}": "Bonjour {client},\n\nnous vous rappelons que la facture {number} "
        "était payable le {dueDate} ; {amountDue} restent à régler.\n\nVous pouvez la consulter en ligne : "
        "{link}\n\nSi vous avez déjà payé, merci de ne pas tenir compte de ce message.\n\nCordialement,\n{seller}",
        "View the invoice": "Voir la facture",
        "Invoice number": "Numéro de facture",
        "Issue date": "Date d'émission",
        "Due date": "Échéance",
        "From": "De",
        "Bill to": "Facturé à",
        "Description": "Description",
        "Quantity": "Quantité",
        "Unit price": "Prix unitaire",
        "Tax": "TVA",
        "Amount": "Montant",
        "Subtotal": "Sous-total",
        "Discount": "Remise",
        "Total": "Total",
        "Paid": "Payé",
        "Credited": "Avoir",
        "Amount due": "Reste à payer",
        "Status": "Statut",
        "How to pay": "Paiement",
        "Please transfer {amount} to": "Merci de virer {amount} à",
        "Account holder": "Titulaire du compte",
        "Bank": "Banque",
        "Reference": "Référence",
        "Scan with your banking app to pay": "Scannez avec votre application bancaire pour payer",
        "Nothing is due. Thank you!": "Rien à payer. Merci !",
        "Download PDF": "Télécharger le PDF",
        "Notes": "Remarques",
        "Terms": "Conditions",
        "DRAFT": "Brouillon",
        "SENT": "Envoyée",
        "VIEWED": "Consultée",
        "PARTIALLY_PAID": "Partiellement payée",
        "PAID": "Payée",
        "OVERDUE": "En retard",
        "VOID": "Annulée",
        "Tax ID": "N° de TVA",
    },
    "es": {
        "Invoice": "Factura",
        "Invoice {number} from {seller}": "Factura {number} de {seller}",
        "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
        "You can also view it online: {link}\n\nKind regards,\n{seller}": "Hola {client}:\n\nadjuntamos la "
        "factura {number} por {total}, con vencimiento el {dueDate}.\n\nTambién puede verla en línea: {link}"
        "\n\nUn saludo,\n{seller}",
        "Reminder: invoice {number} is due": "Recordatorio: factura {number} pendiente",
        "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; {amountDue} "
        "is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please disregard this "
        "message.\n\nKind regards,\n{seller}": "Hola {client}:\n\nle recordamos que la factura {number} venció el "
        "{dueDate}; quedan {amountDue} pendientes.\n\nPuede verla en línea: {link}\n\nSi ya ha pagado, ignore "
        "este mensaje.\n\nUn saludo,\n{seller}",
        "View the invoice": "Ver la factura",
        "Invoice number": "Número de factura",
        "Issue date": "Fecha de emisión",
        "Due date": "Vencimiento",
        "From": "De",
        "Bill to": "Facturar a",
        "Description": "Descripción",
        "Quantity": "Cantidad",
        "Unit price": "Precio unitario",
        "Tax": "IVA",
        "Amount": "Importe",
        "Subtotal": "Subtotal",
        "Discount": "Descuento",
        "Total": "Total",
        "Paid": "Pagado",
        "Credited": "Abonado",
        "Amount due": "Importe pendiente",
        "Status": "Estado",
        "How to pay": "Forma de pago",
        "Please transfer {amount} to": "Transfiera {amount} a",
        "Account holder": "Titular",
        "Bank": "Banco",
        "Reference": "Concepto",
        "Scan with your banking app to pay": "Escanee con la app de su banco para pagar",
        "Nothing is due. Thank you!": "No queda nada pendiente. ¡Gracias!",
        "Download PDF": "Descargar PDF",
        "Notes": "Notas",
        "Terms": "Condiciones",
        "DRAFT": "Borrador",
        "SENT": "Enviada",
        "VIEWED": "Vista",
        "PARTIALLY_PAID": "Pagada en parte",
        "PAID": "Pagada",
        "OVERDUE": "Vencida",
        "VOID": "Anulada",
        "Tax ID": "NIF",
    },
    "it": {
        "Invoice": "Fattura",
        "Invoice {number} from {seller}": "Fattura {number} da {seller}",
        "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
        "You can also view it online: {link}\n\nKind regards,\n{seller}": "Gentile {client},\n\nin allegato la "
        "fattura {number} di {total}, con scadenza il {dueDate}.\n\nPuò consultarla anche online: {link}\n\n"
        "Cordiali saluti,\n{seller}",
        "Reminder: invoice {number} is due": "Promemoria: fattura {number} in scadenza",
        "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; {amountDue} "
        "is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please disregard this "
        "message.\n\nKind regards,\n{seller}": "Gentile {client},\n\nle ricordiamo che la fattura {number} era in "
        "scadenza il {dueDate}; restano da pagare {amountDue}.\n\nPuò consultarla online: {link}\n\nSe ha già "
        "pagato, ignori questo messaggio.\n\nCordiali saluti,\n{seller}",
        "View the invoice": "Vedi la fattura",
        "Invoice number": "Numero fattura",
        "Issue date": "Data di emissione",
        "Due date": "Scadenza",
        "From": "Da",
        "Bill to": "Intestata a",
        "Description": "Descrizione",
        "Quantity": "Quantità",
        "Unit price": "Prezzo unitario",
        "Tax": "IVA",
        "Amount": "Importo",
        "Subtotal": "Imponibile",
        "Discount": "Sconto",
        "Total": "Totale",
        "Paid": "Pagato",
        "Credited": "Accreditato",
        "Amount due": "Da pagare",
        "Status": "Stato",
        "How to pay": "Come pagare",
        "Please transfer {amount} to": "Bonifico di {amount} a",
        "Account holder": "Intestatario",
        "Bank": "Banca",
        "Reference": "Causale",
        "Scan with your banking app to pay": "Scansiona con l'app della tua banca per pagare",
        "Nothing is due. Thank you!": "Nulla da pagare. Grazie!",
        "Download PDF": "Scarica il PDF",
        "Notes": "Note",
        "Terms": "Condizioni",
        "DRAFT": "Bozza",
        "SENT": "Inviata",
        "VIEWED": "Visualizzata",
        "PARTIALLY_PAID": "Pagata in parte",
        "PAID": "Pagata",
        "OVERDUE": "Scaduta",
        "VOID": "Annullata",
        "Tax ID": "Partita IVA",
    },
    "nl": {
        "Invoice": "Factuur",
        "Invoice {number} from {seller}": "Factuur {number} van {seller}",
        "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
        "You can also view it online: {link}\n\nKind regards,\n{seller}": "Beste {client},\n\nin de bijlage vindt "
        "u factuur {number} van {total}, te betalen vóór {dueDate}.\n\nU kunt de factuur ook online bekijken: "
        "{link}\n\nMet vriendelijke groet,\n{seller}",
        "Reminder: invoice {number} is due": "Herinnering: factuur {number}",
        "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; {amountDue} "
        "is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please disregard this "
        "message.\n\nKind regards,\n{seller}": "Beste {client},\n\nwij herinneren u eraan dat factuur {number} op "
        "{dueDate} vervallen is; er staat nog {amountDue} open.\n\nU kunt de factuur online bekijken: {link}"
        "\n\nHeeft u al betaald, dan kunt u dit bericht negeren.\n\nMet vriendelijke groet,\n{seller}",
        "View the invoice": "Factuur bekijken",
        "Invoice number": "Factuurnummer",
        "Issue date": "Factuurdatum",
        "Due date": "Vervaldatum",
        "From": "Van",
        "Bill to": "Factuur aan",
        "Description": "Omschrijving",
        "Quantity": "Aantal",
        "Unit price": "Prijs per eenheid",
        "Tax": "Btw",
        "Amount": "Bedrag",
        "Subtotal": "Subtotaal",
        "Discount": "Korting",
        "Total": "Totaal",
        "Paid": "Betaald",
        "Credited": "Gecrediteerd",
        "Amount due": "Te betalen",
        "Status": "Status",
        "How to pay": "Betalen",
        "Please transfer {amount} to": "Maak {amount} over naar",
        "Account holder": "Rekeninghouder",
        "Bank": "Bank",
        "Reference": "Omschrijving betaling",
        "Scan with your banking app to pay": "Scan met uw bankapp om te betalen",
        "Nothing is due. Thank you!": "Er staat niets meer open. Dank u!",
        "Download PDF": "PDF downloaden",
        "Notes": "Opmerkingen",
        "Terms": "Voorwaarden",
        "DRAFT": "Concept",
        "SENT": "Verzonden",
        "VIEWED": "Bekeken",
        "PARTIALLY_PAID": "Deels betaald",
        "PAID": "Betaald",
        "OVERDUE": "Achterstallig",
        "VOID": "Vervallen",
        "Tax ID": "Btw-nummer",
    },
    "pl": {
        "Invoice": "Faktura",
        "Invoice {number} from {seller}": "Faktura {number} od {seller}",
        "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
        "You can also view it online: {link}\n\nKind regards,\n{seller}": "Dzień dobry {client},\n\nw załączniku "
        "przesyłamy fakturę {number} na kwotę {total}, płatną do {dueDate}.\n\nFakturę można też obejrzeć online: "
        "{link}\n\nZ poważaniem\n{seller}",
        "Reminder: invoice {number} is due": "Przypomnienie: faktura {number}",
        "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; {amountDue} "
        "is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please disregard this "
        "message.\n\nKind regards,\n{seller}": "Dzień dobry {client},\n\nuprzejmie przypominamy, że termin "
        "płatności faktury {number} minął {dueDate}; do zapłaty pozostaje {amountDue}.\n\nFakturę można "
        "obejrzeć online: {link}\n\nJeśli płatność została już dokonana, prosimy zignorować tę wiadomość.\n\n"
        "Z poważaniem\n{seller}",
        "View the invoice": "Zobacz fakturę",
        "Invoice number": "Numer faktury",
        "Issue date": "Data wystawienia",
        "Due date": "Termin płatności",
        "From": "Sprzedawca",
        "Bill to": "Nabywca",
        "Description": "Opis",
        "Quantity": "Ilość",
        "Unit price": "Cena jedn.",
        "Tax": "VAT",
        "Amount": "Kwota",
        "Subtotal": "Netto",
        "Discount": "Rabat",
        "Total": "Razem",
        "Paid": "Zapłacono",
        "Credited": "Skorygowano",
        "Amount due": "Do zapłaty",
        "Status": "Status",
        "How to pay": "Płatność",
        "Please transfer {amount} to": "Prosimy przelać {amount} na",
        "Account holder": "Odbiorca",
        "Bank": "Bank",
        "Reference": "Tytuł przelewu",
        "Scan with your banking app to pay": "Zeskanuj aplikacją banku, aby zapłacić",
        "Nothing is due. Thank you!": "Nic nie pozostało do zapłaty. Dziękujemy!",
        "Download PDF": "Pobierz PDF",
        "Notes": "Uwagi",
        "Terms": "Warunki",
        "DRAFT": "Szkic",
        "SENT": "Wysłana",
        "VIEWED": "Obejrzana",
        "PARTIALLY_PAID": "Częściowo zapłacona",
        "PAID": "Zapłacona",
        "OVERDUE": "Po terminie",
        "VOID": "Anulowana",
        "Tax ID": "NIP",
    },
    "pt": {
        "Invoice": "Fatura",
        "Invoice {number} from {seller}": "Fatura {number} de {seller}",
        "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
        "You can also view it online: {link}\n\nKind regards,\n{seller}": "Olá {client},\n\nsegue em anexo a "
        "fatura {number} no valor de {total}, com vencimento em {dueDate}.\n\nTambém pode consultá-la online: "
        "{link}\n\nCom os melhores cumprimentos,\n{seller}",
        "Reminder: invoice {number} is due": "Lembrete: fatura {number} por pagar",
        "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; {amountDue} "
        "is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please disregard this "
        "message.\n\nKind regards,\n{seller}": "Olá {client},\n\nlembramos que a fatura {number} venceu em "
        "{dueDate}; faltam pagar {amountDue}.\n\nPode consultá-la online: {link}\n\nSe já efetuou o pagamento, "
        "ignore esta mensagem.\n\nCom os melhores cumprimentos,\n{seller}",
        "View the invoice": "Ver a fatura",
        "Invoice number": "Número da fatura",
        "Issue date": "Data de emissão",
        "Due date": "Vencimento",
        "From": "De",
        "Bill to": "Faturar a",
        "Description": "Descrição",
        "Quantity": "Quantidade",
        "Unit price": "Preço unitário",
        "Tax": "IVA",
        "Amount": "Valor",
        "Subtotal": "Subtotal",
        "Discount": "Desconto",
        "Total": "Total",
        "Paid": "Pago",
        "Credited": "Creditado",
        "Amount due": "Valor em dívida",
        "Status": "Estado",
        "How to pay": "Como pagar",
        "Please transfer {amount} to": "Transfira {amount} para",
        "Account holder": "Titular",
        "Bank": "Banco",
        "Reference": "Referência",
        "Scan with your banking app to pay": "Digitalize com a app do seu banco para pagar",
        "Nothing is due. Thank you!": "Nada em dívida. Obrigado!",
        "Download PDF": "Descarregar PDF",
        "Notes": "Notas",
        "Terms": "Condições",
        "DRAFT": "Rascunho",
        "SENT": "Enviada",
        "VIEWED": "Vista",
        "PARTIALLY_PAID": "Paga em parte",
        "PAID": "Paga",
        "OVERDUE": "Em atraso",
        "VOID": "Anulada",
        "Tax ID": "NIF",
    },
}
_ENGLISH = {
    "PARTIALLY_PAID": "Partially paid",
    "DRAFT": "Draft",
    "SENT": "Sent",
    "VIEWED": "Viewed",
    "PAID": "Paid",
    "OVERDUE": "Overdue",
    "VOID": "Void",
}


def language_of(code: str | None) -> str:
    """A language CleverInvo writes documents in: ``code`` when it is one, else English."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def gettext(language: str, text: str) -> str:
    """``text`` (its English wording) in ``language``."""
    return _TEXTS.get(language, {}).get(text) or _ENGLISH.get(text, text)


def money(amount: Decimal, currency_code: str, language: str) -> str:
    """``5.500,00 €`` in German, ``€5,500.00`` in English."""
    return format_currency(amount, currency_code, locale=language)


def day(value: dt.date, language: str) -> str:
    """``Dec 2, 2026`` in English, ``02.12.2026`` in German: the language's medium date."""
    return format_date(value, format="medium", locale=language)


def moment(value: dt.datetime, language: str) -> str:
    """A UTC time in the language's medium form."""
    return format_datetime(value, format="medium", tzinfo=dt.UTC, locale=language)
