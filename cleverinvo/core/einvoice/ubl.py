"""The model as UBL 2.1, Peppol BIS Billing 3.0: an ``Invoice`` (380) or a ``CreditNote`` (381).

Elements are written in the order the UBL 2.1 XSD requires; each carries the business term it holds.
"""

from decimal import Decimal

from lxml import etree

from cleverinvo.core.einvoice.model import (
    ELECTRONIC_MAIL,
    PEPPOL_CUSTOMIZATION_ID,
    PEPPOL_PROFILE_ID,
    Document,
    Line,
    Party,
    PostalAddress,
    TypeCode,
    VatBreakdown,
)
from cleverinvo.core.einvoice.text import amount, number, to_bytes

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
PREFIXES = {"cac": CAC, "cbc": CBC}


class _Writer:
    """Writes one document; knows its currency (every amount carries it) and whether it is a credit note."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.credit = doc.type_code is TypeCode.CREDIT_NOTE

    def el(self, parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
        prefix, name = tag.split(":")
        child = etree.SubElement(parent, f"{{{PREFIXES[prefix]}}}{name}", attributes)
        if text is not None:
            child.text = text
        return child

    def money(self, parent: etree._Element, tag: str, value: Decimal) -> None:
        self.el(parent, tag, amount(value), currencyID=self.doc.currency)

    def document(self) -> etree._Element:
        doc = self.doc
        kind, namespace = ("CreditNote", CREDIT_NOTE) if self.credit else ("Invoice", INVOICE)
        root = etree.Element(f"{{{namespace}}}{kind}", nsmap={None: namespace, **PREFIXES})
        self.el(root, "cbc:CustomizationID", PEPPOL_CUSTOMIZATION_ID)  # BT-24
        self.el(root, "cbc:ProfileID", PEPPOL_PROFILE_ID)  # BT-23
        self.el(root, "cbc:ID", doc.number)  # BT-1
        self.el(root, "cbc:IssueDate", doc.issue_date.isoformat())  # BT-2
        if doc.due_date and not self.credit:
            self.el(root, "cbc:DueDate", doc.due_date.isoformat())  # BT-9
        self.el(root, f"cbc:{kind}TypeCode", doc.type_code.value)  # BT-3
        for note in doc.notes:
            self.el(root, "cbc:Note", note)  # BT-22
        self.el(root, "cbc:DocumentCurrencyCode", doc.currency)  # BT-5
        if doc.buyer_reference:
            self.el(root, "cbc:BuyerReference", doc.buyer_reference)  # BT-10
        if doc.period_start or doc.period_end:  # BG-14
            period = self.el(root, "cac:InvoicePeriod")
            if doc.period_start:
                self.el(period, "cbc:StartDate", doc.period_start.isoformat())  # BT-73
            if doc.period_end:
                self.el(period, "cbc:EndDate", doc.period_end.isoformat())  # BT-74
        if doc.preceding_invoice:  # BG-3
            reference = self.el(self.el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
            self.el(reference, "cbc:ID", doc.preceding_invoice.number)  # BT-25
            self.el(reference, "cbc:IssueDate", doc.preceding_invoice.issue_date.isoformat())  # BT-26
        self.party(self.el(root, "cac:AccountingSupplierParty"), doc.seller)  # BG-4
        self.party(self.el(root, "cac:AccountingCustomerParty"), doc.buyer)  # BG-7
        if doc.delivery_date or doc.deliver_to_country:  # BG-13
            delivery = self.el(root, "cac:Delivery")
            if doc.delivery_date:
                self.el(delivery, "cbc:ActualDeliveryDate", doc.delivery_date.isoformat())  # BT-72
            if doc.deliver_to_country:  # BG-15
                address = self.el(self.el(delivery, "cac:DeliveryLocation"), "cac:Address")
                self.el(self.el(address, "cac:Country"), "cbc:IdentificationCode", doc.deliver_to_country)  # BT-80
        self.payment(root)
        self.taxes(root)
        self.totals(root)
        for line in doc.lines:
            self.line(root, line)
        return root

    def party(self, parent: etree._Element, party: Party) -> None:
        """BG-4 Seller or BG-7 Buyer."""
        element = self.el(parent, "cac:Party")
        if party.electronic_address:
            self.el(element, "cbc:EndpointID", party.electronic_address, schemeID=ELECTRONIC_MAIL)  # BT-34 / BT-49
        self.address(element, party.address)
        if party.vat_id:
            scheme = self.el(element, "cac:PartyTaxScheme")
            self.el(scheme, "cbc:CompanyID", party.vat_id)  # BT-31 / BT-48
            self.el(self.el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
        if party.tax_registration:
            scheme = self.el(element, "cac:PartyTaxScheme")
            self.el(scheme, "cbc:CompanyID", party.tax_registration)  # BT-32
            self.el(self.el(scheme, "cac:TaxScheme"), "cbc:ID", "FC")
        legal = self.el(element, "cac:PartyLegalEntity")
        self.el(legal, "cbc:RegistrationName", party.name)  # BT-27 / BT-44
        if party.legal_registration:
            self.el(legal, "cbc:CompanyID", party.legal_registration)  # BT-30 / BT-47
        if party.phone or party.email:  # BG-6 / BG-9
            contact = self.el(element, "cac:Contact")
            if party.phone:
                self.el(contact, "cbc:Telephone", party.phone)  # BT-42 / BT-57
            if party.email:
                self.el(contact, "cbc:ElectronicMail", party.email)  # BT-43 / BT-58

    def address(self, parent: etree._Element, address: PostalAddress) -> None:
        """BG-5 / BG-8."""
        element = self.el(parent, "cac:PostalAddress")
        lines = list(address.lines)
        if lines:
            self.el(element, "cbc:StreetName", lines[0])  # BT-35 / BT-50
        if len(lines) > 1:
            self.el(element, "cbc:AdditionalStreetName", lines[1])  # BT-36 / BT-51
        if address.city:
            self.el(element, "cbc:CityName", address.city)  # BT-37 / BT-52
        if address.postal_code:
            self.el(element, "cbc:PostalZone", address.postal_code)  # BT-38 / BT-53
        if len(lines) > 2:
            self.el(self.el(element, "cac:AddressLine"), "cbc:Line", lines[2])  # BT-162 / BT-163
        self.el(self.el(element, "cac:Country"), "cbc:IdentificationCode", address.country)  # BT-40 / BT-55

    def payment(self, root: etree._Element) -> None:
        """BG-16 Payment instructions, then BT-20 Payment terms."""
        doc, payment = self.doc, self.doc.payment
        if payment:
            means = self.el(root, "cac:PaymentMeans")
            self.el(means, "cbc:PaymentMeansCode", payment.code.value)  # BT-81
            if doc.due_date and self.credit:
                self.el(means, "cbc:PaymentDueDate", doc.due_date.isoformat())  # BT-9 of a credit note
            self.el(means, "cbc:PaymentID", payment.reference)  # BT-83
            if payment.iban:  # BG-17
                account = self.el(means, "cac:PayeeFinancialAccount")
                self.el(account, "cbc:ID", payment.iban)  # BT-84
                if payment.account_name:
                    self.el(account, "cbc:Name", payment.account_name)  # BT-85
                if payment.bic:
                    self.el(self.el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", payment.bic)  # BT-86
        if doc.payment_terms:
            self.el(self.el(root, "cac:PaymentTerms"), "cbc:Note", doc.payment_terms)  # BT-20

    def taxes(self, root: etree._Element) -> None:
        """BT-110 and the BG-23 VAT breakdowns."""
        total = self.el(root, "cac:TaxTotal")
        self.money(total, "cbc:TaxAmount", self.doc.totals.tax)  # BT-110
        for breakdown in self.doc.taxes:
            self.breakdown(total, breakdown)

    def breakdown(self, total: etree._Element, breakdown: VatBreakdown) -> None:
        subtotal = self.el(total, "cac:TaxSubtotal")
        self.money(subtotal, "cbc:TaxableAmount", breakdown.base)  # BT-116
        self.money(subtotal, "cbc:TaxAmount", breakdown.tax)  # BT-117
        self.category(subtotal, "cac:TaxCategory", breakdown.category, breakdown.rate, breakdown)  # BT-118, BT-119

    def category(
        self, parent: etree._Element, tag: str, code: str, rate: Decimal | None, exemption: VatBreakdown | None = None
    ) -> None:
        """A VAT category: its code and rate (none for O), and a breakdown's exemption reason (BT-121, BT-120)."""
        category = self.el(parent, tag)
        self.el(category, "cbc:ID", code)
        if rate is not None:
            self.el(category, "cbc:Percent", number(rate))
        if exemption and exemption.exemption_code:
            self.el(category, "cbc:TaxExemptionReasonCode", exemption.exemption_code)  # BT-121
        if exemption and exemption.exemption_reason:
            self.el(category, "cbc:TaxExemptionReason", exemption.exemption_reason)  # BT-120
        self.el(self.el(category, "cac:TaxScheme"), "cbc:ID", "VAT")

    def totals(self, root: etree._Element) -> None:
        """BG-22 Document totals."""
        totals = self.doc.totals
        element = self.el(root, "cac:LegalMonetaryTotal")
        self.money(element, "cbc:LineExtensionAmount", totals.line_net)  # BT-106
        self.money(element, "cbc:TaxExclusiveAmount", totals.tax_exclusive)  # BT-109
        self.money(element, "cbc:TaxInclusiveAmount", totals.tax_inclusive)  # BT-112
        if totals.prepaid:
            self.money(element, "cbc:PrepaidAmount", totals.prepaid)  # BT-113
        self.money(element, "cbc:PayableAmount", totals.payable)  # BT-115

    def line(self, root: etree._Element, line: Line) -> None:
        """BG-25, one invoice line."""
        kind = "CreditNote" if self.credit else "Invoice"
        element = self.el(root, f"cac:{kind}Line")
        self.el(element, "cbc:ID", line.id)  # BT-126
        quantity = "cbc:CreditedQuantity" if self.credit else "cbc:InvoicedQuantity"
        self.el(element, quantity, number(line.quantity), unitCode=line.unit)  # BT-129, BT-130
        self.money(element, "cbc:LineExtensionAmount", line.net_amount)  # BT-131
        if line.allowance:  # BG-27
            allowance = self.el(element, "cac:AllowanceCharge")
            self.el(allowance, "cbc:ChargeIndicator", "false")
            self.el(allowance, "cbc:AllowanceChargeReasonCode", line.allowance.reason_code)  # BT-140
            self.el(allowance, "cbc:AllowanceChargeReason", line.allowance.reason)  # BT-139
            self.el(allowance, "cbc:MultiplierFactorNumeric", number(line.allowance.percent))  # BT-138
            self.money(allowance, "cbc:Amount", line.allowance.amount)  # BT-136
            self.money(allowance, "cbc:BaseAmount", line.allowance.base)  # BT-137
        item = self.el(element, "cac:Item")
        if line.description:
            self.el(item, "cbc:Description", line.description)  # BT-154
        self.el(item, "cbc:Name", line.name)  # BT-153
        self.category(item, "cac:ClassifiedTaxCategory", line.category, line.rate)  # BT-151, BT-152
        self.el(
            self.el(element, "cac:Price"), "cbc:PriceAmount", number(line.net_price), currencyID=self.doc.currency
        )  # BT-146


def to_ubl(doc: Document) -> bytes:
    """The document as UBL 2.1 XML bytes (UTF-8): an ``Invoice``, or a ``CreditNote`` for type 381."""
    return to_bytes(_Writer(doc).document())
