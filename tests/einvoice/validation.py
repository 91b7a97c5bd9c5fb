"""The official checks of an EN 16931 XML: the XSD with lxml, the compiled schematron with Saxon-HE.

CII is checked against the Factur-X 1.09 EN 16931 XSD, the CEN EN 16931 CII schematron (vendored under
``official/``) and the Factur-X EN 16931 schematron; UBL against the UBL 2.1 XSD and the CEN EN 16931 UBL
schematron. Each stylesheet is compiled once per test session. A failed assertion counts as an error unless it
is flagged ``warning`` (the Factur-X schematron flags only its warnings, the CEN ones flag errors ``fatal``).
"""

import functools
from dataclasses import dataclass
from pathlib import Path

import facturx
from lxml import etree

ARTEFACTS = Path(facturx.__file__).parent / "xsd_and_schematron"
OFFICIAL = Path(__file__).parent / "official"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"

XSD = {
    "cii": ARTEFACTS / "facturx-en16931" / "Factur-X_EN16931.xsd",
    "ubl-Invoice": ARTEFACTS / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "ubl-CreditNote": ARTEFACTS / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
SCHEMATRON = {
    "cii": (OFFICIAL / "EN16931-CII-validation.xslt", ARTEFACTS / "facturx-en16931" / "FACTUR-X_EN16931.xslt"),
    "ubl": (ARTEFACTS / "ubl-2.1" / "EN16931-UBL-validation.xslt",),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed assertion: its rule id, flag, message and where."""

    rule: str
    flag: str | None
    text: str
    location: str

    def __str__(self) -> str:
        return f"{self.rule} [{self.flag}] {self.text} at {self.location}"


@dataclass(frozen=True, slots=True)
class Report:
    """What the schematron said: the errors (must be none) and the warnings."""

    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]


@functools.cache
def _saxon() -> object:
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@functools.cache
def _stylesheet(path: Path) -> object:
    """The compiled schematron stylesheet at ``path``; compiled once per session."""
    return _saxon().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


@functools.cache
def _schema(key: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD[key])))


def syntax_of(xml: bytes) -> str:
    """``cii`` or ``ubl``, by the root element's namespace."""
    root = etree.fromstring(xml)
    return "cii" if "CrossIndustryInvoice" in root.tag else "ubl"


def check_xsd(xml: bytes) -> None:
    """Raise ``AssertionError`` with every schema error unless ``xml`` is valid against its XSD."""
    root = etree.fromstring(xml)
    key = "cii" if syntax_of(xml) == "cii" else f"ubl-{etree.QName(root).localname}"
    schema = _schema(key)
    if not schema.validate(etree.ElementTree(root)):
        raise AssertionError(f"{key} XSD: " + "; ".join(str(e) for e in schema.error_log))


def run_schematron(xml: bytes) -> Report:
    """Every failed assertion of every schematron of the XML's syntax."""
    document = _saxon().parse_xml(xml_text=xml.decode("utf-8"))
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for stylesheet in SCHEMATRON[syntax_of(xml)]:
        svrl = etree.fromstring(_stylesheet(stylesheet).transform_to_string(xdm_node=document).encode("utf-8"))
        for failed in svrl.iter(f"{SVRL}failed-assert"):
            text = " ".join("".join(failed.itertext()).split())
            finding = Finding(failed.get("id", "?"), failed.get("flag"), text, failed.get("location", ""))
            (warnings if finding.flag == "warning" else errors).append(finding)
    return Report(tuple(errors), tuple(warnings))


# The warnings seen per case in this session, for the summary at the end of the run.
WARNINGS_SEEN: dict[str, list[str]] = {}


def validate(xml: bytes, case: str | None = None) -> Report:
    """XSD and schematron: raises ``AssertionError`` listing every error; returns the report (its warnings),
    which is also noted under ``case`` for the run's summary."""
    check_xsd(xml)
    report = run_schematron(xml)
    if report.errors:
        raise AssertionError("schematron errors:\n" + "\n".join(str(e) for e in report.errors))
    if case is not None:
        WARNINGS_SEEN[case] = sorted({f"{w.rule}: {w.text}" for w in report.warnings})
    return report
