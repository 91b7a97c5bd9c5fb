"""The model as UN/CEFACT Cross Industry Invoice D16B, the Factur-X / ZUGFeRD EN 16931 profile.

Elements are written in the order the Factur-X EN 16931 XSD requires; each carries the business term it holds.
"""

import datetime as dt

from lxml import etree

from cleverinvo.core.einvoice.model import (
    CUSTOMIZATION_ID,
    ELECTRONIC_MAIL,
    Document,
    Line,
    Party,
    PostalAddress,
    VatBreakdown,
)
from cleverinvo.core.einvoice.text import amount, compact_date, number, to_bytes

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}


def _el(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child ``prefix:name`` of ``parent`` with this text and these attributes."""
    prefix, name = tag.split(":")
    child = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attributes)
    if text is not None:
        child.text = text
    return child


def _date(parent: etree._Element, tag: str, day: dt.date, kind: str = "udt") -> None:
    _el(_el(parent, tag), f"{kind}:DateTimeString", compact_date(day), format="102")


def to_cii(doc: Document) -> bytes:
    """The document as CII XML bytes (UTF-8)."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", CUSTOMIZATION_ID)  # BT-24

    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)  # BT-1
    _el(header, "ram:TypeCode", doc.type_code.value)  # BT-3
    _date(header, "ram:IssueDateTime", doc.issue_date)  # BT-2
    for note in doc.notes:  # BG-1
        _el(_el(header, "ram:IncludedNote"), "ram:Content", note)  # BT-22

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        _line(transaction, line, doc.currency)

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.buyer_reference:
        _el(agreement, "ram:BuyerReference", doc.buyer_reference)  # BT-10
    _party(agreement, "ram:SellerTradeParty", doc.seller)  # BG-4
    _party(agreement, "ram:BuyerTradeParty", doc.buyer)  # BG-7

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if doc.deliver_to_country:  # BG-15
        ship_to = _el(_el(delivery, "ram:ShipToTradeParty"), "ram:PostalTradeAddress")
        _el(ship_to, "ram:CountryID", doc.deliver_to_country)  # BT-80
    if doc.delivery_date:
        _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", doc.delivery_date)  # BT-72

    _settlement(transaction, doc)
    return to_bytes(root)


def _line(transaction: etree._Element, line: Line, currency: str) -> None:
    """BG-25, one invoice line."""
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.id)  # BT-126
    product = _el(item, "ram:SpecifiedTradeProduct")
    _el(product, "ram:Name", line.name)  # BT-153
    if line.description:
        _el(product, "ram:Description", line.description)  # BT-154
    price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _el(price, "ram:ChargeAmount", number(line.net_price))  # BT-146
    delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
    _el(delivery, "ram:BilledQuantity", number(line.quantity), unitCode=line.unit)  # BT-129, BT-130
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", line.category)  # BT-151
    if line.rate is not None:
        _el(tax, "ram:RateApplicablePercent", number(line.rate))  # BT-152
    if line.allowance:  # BG-27
        allowance = _el(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _el(_el(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
        _el(allowance, "ram:CalculationPercent", number(line.allowance.percent))  # BT-138
        _el(allowance, "ram:BasisAmount", amount(line.allowance.base))  # BT-137
        _el(allowance, "ram:ActualAmount", amount(line.allowance.amount))  # BT-136
        _el(allowance, "ram:ReasonCode", line.allowance.reason_code)  # BT-140
        _el(allowance, "ram:Reason", line.allowance.reason)  # BT-139
    summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _el(summation, "ram:LineTotalAmount", amount(line.net_amount))  # BT-131


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    """BG-4 Seller or BG-7 Buyer."""
    element = _el(parent, tag)
    _el(element, "ram:Name", party.name)  # BT-27 / BT-44
    if party.legal_registration:
        _el(_el(element, "ram:SpecifiedLegalOrganization"), "ram:ID", party.legal_registration)  # BT-30 / BT-47
    if party.phone or party.email:  # BG-6 / BG-9
        contact = _el(element, "ram:DefinedTradeContact")
        if party.phone:
            _el(_el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", party.phone)  # BT-42
        if party.email:
            _el(_el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.email)  # BT-43
    _address(element, party.address)
    if party.electronic_address:  # BT-34 / BT-49
        uri = _el(element, "ram:URIUniversalCommunication")
        _el(uri, "ram:URIID", party.electronic_address, schemeID=ELECTRONIC_MAIL)
    if party.vat_id:
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")  # BT-31 / BT-48
    if party.tax_registration:
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party.tax_registration, schemeID="FC")  # BT-32


def _address(parent: etree._Element, address: PostalAddress) -> None:
    """BG-5 / BG-8."""
    element = _el(parent, "ram:PostalTradeAddress")
    if address.postal_code:
        _el(element, "ram:PostcodeCode", address.postal_code)  # BT-38 / BT-53
    for tag, text in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), address.lines, strict=False):
        _el(element, tag, text)  # BT-35, BT-36, BT-162 / BT-50, BT-51, BT-163
    if address.city:
        _el(element, "ram:CityName", address.city)  # BT-37 / BT-52
    _el(element, "ram:CountryID", address.country)  # BT-40 / BT-55


def _settlement(transaction: etree._Element, doc: Document) -> None:
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    if doc.payment:
        _el(settlement, "ram:PaymentReference", doc.payment.reference)  # BT-83
    _el(settlement, "ram:InvoiceCurrencyCode", doc.currency)  # BT-5
    if doc.payment:  # BG-16
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", doc.payment.code.value)  # BT-81
        if doc.payment.iban:  # BG-17
            account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
            _el(account, "ram:IBANID", doc.payment.iban)  # BT-84
            if doc.payment.account_name:
                _el(account, "ram:AccountName", doc.payment.account_name)  # BT-85
        if doc.payment.bic:
            _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", doc.payment.bic)  # BT-86
    for breakdown in doc.taxes:
        _tax(settlement, breakdown)
    if doc.period_start or doc.period_end:  # BG-14
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        if doc.period_start:
            _date(period, "ram:StartDateTime", doc.period_start)  # BT-73
        if doc.period_end:
            _date(period, "ram:EndDateTime", doc.period_end)  # BT-74
    if doc.payment_terms or doc.due_date:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if doc.payment_terms:
            _el(terms, "ram:Description", doc.payment_terms)  # BT-20
        if doc.due_date:
            _date(terms, "ram:DueDateDateTime", doc.due_date)  # BT-9
    totals = doc.totals  # BG-22
    summation = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(summation, "ram:LineTotalAmount", amount(totals.line_net))  # BT-106
    _el(summation, "ram:TaxBasisTotalAmount", amount(totals.tax_exclusive))  # BT-109
    _el(summation, "ram:TaxTotalAmount", amount(totals.tax), currencyID=doc.currency)  # BT-110
    _el(summation, "ram:GrandTotalAmount", amount(totals.tax_inclusive))  # BT-112
    if totals.prepaid:
        _el(summation, "ram:TotalPrepaidAmount", amount(totals.prepaid))  # BT-113
    _el(summation, "ram:DuePayableAmount", amount(totals.payable))  # BT-115
    if doc.preceding_invoice:  # BG-3
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", doc.preceding_invoice.number)  # BT-25
        _date(reference, "ram:FormattedIssueDateTime", doc.preceding_invoice.issue_date, kind="qdt")  # BT-26


def _tax(settlement: etree._Element, breakdown: VatBreakdown) -> None:
    """BG-23, one VAT breakdown."""
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:CalculatedAmount", amount(breakdown.tax))  # BT-117
    _el(tax, "ram:TypeCode", "VAT")
    if breakdown.exemption_reason:
        _el(tax, "ram:ExemptionReason", breakdown.exemption_reason)  # BT-120
    _el(tax, "ram:BasisAmount", amount(breakdown.base))  # BT-116
    _el(tax, "ram:CategoryCode", breakdown.category)  # BT-118
    if breakdown.exemption_code:
        _el(tax, "ram:ExemptionReasonCode", breakdown.exemption_code)  # BT-121
    if breakdown.rate is not None:
        _el(tax, "ram:RateApplicablePercent", number(breakdown.rate))  # BT-119
