"""A certificate as a PDF: an HTML template in the holder's language, laid out by
WeasyPrint (A4 landscape), with a QR code that leads to the public verification page.

The QR code is a PNG data URI made by segno, so the PDF needs nothing from the network.
"""

from __future__ import annotations

import segno
from flask import render_template
from flask_babel import force_locale
from weasyprint import HTML

from lms.core.dates import format_date
from lms.core.urls import external_url
from lms.learning.progress_models import Certificate

QR_SCALE = 6  # pixels per module in the PNG
QR_BORDER = 4  # the quiet zone, in modules (the standard's minimum)


def verification_url(certificate: Certificate) -> str:
    """The public page that says whether ``certificate`` is valid (an absolute link)."""
    return external_url("lms_learning.verify_certificate", code=certificate.code)


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as a PNG data URI."""
    return segno.make(url, error="m").png_data_uri(scale=QR_SCALE, border=QR_BORDER)


def certificate_html(certificate: Certificate) -> str:
    """The certificate's HTML, in the language it was issued in."""
    url = verification_url(certificate)
    with force_locale(certificate.language):
        return render_template(
            "lms/learning/certificate_pdf.html",
            certificate=certificate,
            issued=format_date(certificate.issued_at),
            url=url,
            qr=qr_data_uri(url),
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes."""
    return HTML(string=certificate_html(certificate)).write_pdf()
