"""File downloads, one way for pages and API alike."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from core.excel import XLSX_CONTENT_TYPE

XLSX = XLSX_CONTENT_TYPE
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """``data`` as a download named ``filename`` (Chinese names survive: RFC 6266 ``filename*``)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
