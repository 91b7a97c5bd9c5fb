"""VAT categories of EN 16931 (code list UNCL5305) and the rules that tie a line's category to its rate and
to the invoice's exemption reason."""

from decimal import Decimal
from enum import StrEnum


class TaxCategory(StrEnum):
    """The VAT category of a line, by its EN 16931 code."""

    STANDARD = "S"
    ZERO_RATED = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_EU = "K"
    EXPORT = "G"
    OUTSIDE_SCOPE = "O"

    @property
    def label(self) -> str:
        """The category in plain English words."""
        return _LABELS[self]

    @property
    def needs_exemption_reason(self) -> bool:
        """Exempt, reverse-charged, intra-EU, export and out-of-scope lines carry no VAT and must say why."""
        return self not in (TaxCategory.STANDARD, TaxCategory.ZERO_RATED)

    @staticmethod
    def default_for(rate: Decimal) -> "TaxCategory":
        """``S`` when the rate is above 0, else ``Z``."""
        return TaxCategory.STANDARD if rate > 0 else TaxCategory.ZERO_RATED

    def rate_problem(self, rate: Decimal, rate_name: str = "taxRate") -> str | None:
        """Why ``rate`` does not fit this category (as the end of a sentence, naming the rate ``rate_name``), or
        ``None`` when it does."""
        if self is TaxCategory.STANDARD:
            return None if rate > 0 else f"S (standard rate) needs a {rate_name} above 0"
        if rate != 0:
            return f"{self.value} ({self.label}) needs a {rate_name} of 0"
        return None


_LABELS = {
    TaxCategory.STANDARD: "standard rate",
    TaxCategory.ZERO_RATED: "zero rated",
    TaxCategory.EXEMPT: "exempt from VAT",
    TaxCategory.REVERSE_CHARGE: "reverse charge",
    TaxCategory.INTRA_EU: "intra-EU supply",
    TaxCategory.EXPORT: "export outside the EU",
    TaxCategory.OUTSIDE_SCOPE: "outside the scope of VAT",
}
