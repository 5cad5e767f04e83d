"""The row of the four-permission-cases table (``test_permissions``); later apps add rows
in ``<app>/tests/permission_cases.py`` as a list named ``CASES``."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Case:
    name: str
    method: str
    url: Callable
    role: str  # the role in county A that has permission
    ok: int  # status for that role
    body: Callable | None = None
    marker: Callable | None = None  # text of county A that only permitted users may see
    list_view: bool = False  # lists answer 200 and hide what is out of scope
    denied: int | None = None  # the answer to those without permission, where not the default (403: a page of
    # roles the user lacks, which says which roles open it; checked in test_no_permission)
    api: bool = False
    own_authority: bool = False  # a page about one's own authority: county B is let in but sees nothing of A
    other_scope: int | None = None  # the answer to the same role in county B, where not 404
    pdf: bool = False  # a document as PDF: the marker is read in its text; skipped without LibreOffice
