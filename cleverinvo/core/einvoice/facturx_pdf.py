"""A Factur-X PDF: a PDF/A-3B rendering with its CII XML embedded as ``factur-x.xml``, done last.

The renderer makes the PDF/A-3B document (fonts embedded, sRGB output intent); this adds, with pikepdf, the XML
as an associated file (``/AF``, ``AFRelationship /Data``) and replaces the XMP metadata with one that identifies
PDF/A-3B and carries the Factur-X extension schema (EN 16931 conformance level), built by the ``factur-x``
package. The document information dictionary and the XMP say the same things (title, author, subject, producer,
creator, dates), as PDF/A requires; borb's producer line is kept.

factur-x and pikepdf load when a Factur-X is first made: together with the PDF stack they pull in they take
half a second to import, which the library, the CLI and the server should not pay at start.
"""

import datetime as dt
import io

from lxml import etree

FILENAME = "factur-x.xml"
URN = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
CREATOR = "CleverInvo"


def _pdf_date(moment: dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%SZ")


def _xmp(title: str, author: str, subject: str, producer: str, moment: dt.datetime) -> bytes:
    """The XMP packet: PDF/A-3B identification, Dublin Core, and the Factur-X extension schema and fields."""
    import facturx  # loaded on first use: see the module's docstring

    root = facturx.generate_xmp_object(
        {
            "pdfa3_flavor": "B",
            "title": title,
            "author": author,
            "subject": subject,
            "producer": producer,
            "creator_tool": CREATOR,
            "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "urn": URN,
            "documenttype": "INVOICE",
            "xml_filename": FILENAME,
            "version": "1.0",
            "xmp_level": "EN 16931",
        }
    )
    packet = etree.tostring(root, encoding="unicode")
    return f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{packet}\n<?xpacket end="w"?>'.encode()


def embed(pdf: bytes, xml: bytes, *, title: str, author: str, subject: str, moment: dt.datetime) -> bytes:
    """``pdf`` (a PDF/A-3B rendering) with ``xml`` embedded as ``factur-x.xml`` and Factur-X metadata.

    ``moment`` (naive UTC) dates the metadata and the embedded file, so the same inputs give the same bytes.
    """
    import pikepdf  # loaded on first use: see the module's docstring

    with pikepdf.open(io.BytesIO(pdf)) as document:
        stamp = _pdf_date(moment)
        spec = pikepdf.AttachedFileSpec(
            document,
            xml,
            description="Factur-X XML file",
            filename=FILENAME,
            mime_type="text/xml",
            creation_date=stamp,
            mod_date=stamp,
            relationship=pikepdf.Name.Data,
        )
        document.attachments[FILENAME] = spec
        document.Root.AF = pikepdf.Array([document.attachments[FILENAME].obj])
        producer = str(document.docinfo.get("/Producer", "borb"))
        info = document.docinfo
        info.Title = title
        info.Author = author
        info.Subject = subject
        info.Creator = CREATOR
        info.Producer = producer
        info.CreationDate = stamp
        info.ModDate = stamp
        document.Root.Metadata = document.make_stream(
            _xmp(title, author, subject, producer, moment), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
        )
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
        return out.getvalue()
