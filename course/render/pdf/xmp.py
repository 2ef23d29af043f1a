"""PDF/UA identification: an XMP metadata stream, and the reading direction for the viewer.

PDF/UA-1 (ISO 14289-1, 5 and 7.1) asks for an XMP packet in the catalog's
``/Metadata`` with ``pdfuaid:part`` and ``dc:title`` (and the viewer told to
show that title: ``/DisplayDocTitle``); the document's language goes into
``dc:language`` as well as ``/Lang``. A right-to-left document also gets
``/ViewerPreferences /Direction /R2L`` (PDF 32000-1, 12.2), so a viewer
lays facing pages out and scrolls as the text reads.

WeasyPrint writes the catalog of every PDF it makes (handouts, quiz papers,
certificates, results reports): ``install()`` wraps its ``generate_pdf`` so
each gets the packet, from the HTML's ``<title>`` and ``lang``. The course
book is written by ``course.render.pdf.book``, which calls ``xmp_packet``
and ``viewer_preferences`` itself. The packet has no dates or random IDs,
so the same content gives the same bytes.
"""

from __future__ import annotations

import sys
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

import pydyf

from ...model import text_direction
from .structure import scope_table_headers

PDFUA_PART = 1
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)
_original_generate_pdf = None


def xmp_packet(title: str, language: str, producer: str = "") -> bytes:
    """The XMP packet of a PDF/UA-1 document: ``pdfuaid:part``, ``dc:title``, ``dc:language``, ``pdf:Producer``."""
    rdf = Element(f"{{{NS['rdf']}}}RDF")
    about = f"{{{NS['rdf']}}}about"
    ua = SubElement(rdf, f"{{{NS['rdf']}}}Description", {about: ""})
    SubElement(ua, f"{{{NS['pdfuaid']}}}part").text = str(PDFUA_PART)
    dc = SubElement(rdf, f"{{{NS['rdf']}}}Description", {about: ""})
    alt = SubElement(SubElement(dc, f"{{{NS['dc']}}}title"), f"{{{NS['rdf']}}}Alt")
    SubElement(alt, f"{{{NS['rdf']}}}li", {"xml:lang": "x-default"}).text = title
    if language:
        bag = SubElement(SubElement(dc, f"{{{NS['dc']}}}language"), f"{{{NS['rdf']}}}Bag")
        SubElement(bag, f"{{{NS['rdf']}}}li").text = language
    if producer:
        SubElement(SubElement(rdf, f"{{{NS['rdf']}}}Description", {about: ""}), f"{{{NS['pdf']}}}Producer").text = producer
    meta = Element(f"{{{NS['x']}}}xmpmeta")
    meta.append(rdf)
    body = tostring(meta, encoding="unicode")
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + body + '\n<?xpacket end="r"?>').encode()


def viewer_preferences(language: str) -> dict[str, str]:
    """The ``/ViewerPreferences`` entries (as PDF syntax) for a document in ``language``."""
    preferences = {"DisplayDocTitle": "true"}
    if language and text_direction(language) == "rtl":
        preferences["Direction"] = "/R2L"
    return preferences


def install() -> None:
    """Give every PDF WeasyPrint writes from now on its XMP packet and viewer preferences (idempotent).

    Called by ``course.render.pdf.weasy`` once WeasyPrint is imported.
    """
    global _original_generate_pdf
    document = sys.modules["weasyprint.document"]
    if document.generate_pdf is not generate_pdf:
        _original_generate_pdf, document.generate_pdf = document.generate_pdf, generate_pdf


def generate_pdf(document, target, zoom, **options):
    """WeasyPrint's ``generate_pdf``, then the identification above added to the catalog (and, from
    ``structure``, the table header cells' scopes)."""
    pdf = _original_generate_pdf(document, target, zoom, **options)
    scope_table_headers(pdf)  # PDF/UA's table header scopes, which WeasyPrint does not write
    metadata = document.metadata
    language = metadata.lang or ""
    packet = xmp_packet(metadata.title or "", language, f"WeasyPrint {sys.modules['weasyprint'].__version__}")
    stream = pydyf.Stream([packet], {"Type": "/Metadata", "Subtype": "/XML"}, compress=False)  # left plain, as XMP readers expect
    pdf.add_object(stream)
    pdf.catalog["Metadata"] = stream.reference
    preferences = pdf.catalog.get("ViewerPreferences")
    if not isinstance(preferences, pydyf.Dictionary):
        preferences = pydyf.Dictionary()
    preferences.update(viewer_preferences(language))
    pdf.catalog["ViewerPreferences"] = preferences
    return pdf
