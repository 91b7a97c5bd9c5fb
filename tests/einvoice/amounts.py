"""The money an EN 16931 XML states, read back in either syntax, to compare with the core's own figures."""

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@dataclass(frozen=True)
class Stated:
    """Totals (BT-106, 109, 110, 112, 113, 115), line net amounts (BT-131) and VAT breakdowns
    (category, rate, BT-116, BT-117)."""

    totals: dict[str, Decimal]
    lines: list[Decimal]
    taxes: list[tuple[str, Decimal | None, Decimal, Decimal]]


def _decimal(root: etree._Element, path: str) -> Decimal:
    found = root.xpath(path, namespaces=NS)
    return Decimal(found[0].text) if found else Decimal(0)


def stated(xml: bytes) -> Stated:
    root = etree.fromstring(xml)
    if "CrossIndustryInvoice" in root.tag:
        summary = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
        fields = {
            "BT-106": "LineTotalAmount",
            "BT-109": "TaxBasisTotalAmount",
            "BT-110": "TaxTotalAmount",
            "BT-112": "GrandTotalAmount",
            "BT-113": "TotalPrepaidAmount",
            "BT-115": "DuePayableAmount",
        }
        totals = {term: _decimal(root, summary + name) for term, name in fields.items()}
        lines = root.xpath("//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", namespaces=NS)
        breakdowns = root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)
        taxes = [
            (
                tax.findtext("ram:CategoryCode", namespaces=NS),
                Decimal(rate) if (rate := tax.findtext("ram:RateApplicablePercent", namespaces=NS)) else None,
                Decimal(tax.findtext("ram:BasisAmount", namespaces=NS)),
                Decimal(tax.findtext("ram:CalculatedAmount", namespaces=NS)),
            )
            for tax in breakdowns
        ]
    else:
        summary = "/*/cac:LegalMonetaryTotal/cbc:"
        fields = {
            "BT-106": "LineExtensionAmount",
            "BT-109": "TaxExclusiveAmount",
            "BT-112": "TaxInclusiveAmount",
            "BT-113": "PrepaidAmount",
            "BT-115": "PayableAmount",
        }
        totals = {term: _decimal(root, summary + name) for term, name in fields.items()}
        totals["BT-110"] = _decimal(root, "/*/cac:TaxTotal/cbc:TaxAmount")
        lines = root.xpath(
            "/*/cac:InvoiceLine/cbc:LineExtensionAmount | /*/cac:CreditNoteLine/cbc:LineExtensionAmount", namespaces=NS
        )
        taxes = [
            (
                sub.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
                Decimal(rate) if (rate := sub.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS)) else None,
                Decimal(sub.findtext("cbc:TaxableAmount", namespaces=NS)),
                Decimal(sub.findtext("cbc:TaxAmount", namespaces=NS)),
            )
            for sub in root.xpath("/*/cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
        ]
    return Stated(totals, [Decimal(line.text) for line in lines], taxes)
