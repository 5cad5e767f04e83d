"""File downloads, one way for pages and API alike."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from core.excel import XLSX_CONTENT_TYPE
from core.pdf import PDF, document_pdf, pdf_name

XLSX = XLSX_CONTENT_TYPE
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """``data`` as a download named ``filename`` (Chinese names survive: RFC 6266 ``filename*``)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def document_download(name: str, docx: bytes, *, pdf: bool = False) -> HttpResponse:
    """A document issued by its service as (file name, .docx bytes), as the .docx download or,
    with ``pdf``, as its PDF opened in the browser (``core.pdf.document_pdf``, which raises
    ``PdfUnavailable`` or ``PdfFailed``)."""
    if not pdf:
        return attachment(docx, name, DOCX)
    response = HttpResponse(document_pdf(docx), content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(False, pdf_name(name)) or "inline"
    response["Cache-Control"] = "no-store"
    return response
