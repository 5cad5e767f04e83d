"""Registry records and files for tests, on top of the shared ``world`` fixture (conftest.py)."""

import datetime
import io

from openpyxl import Workbook

from registry.importing import COLUMNS
from registry.models import OrganizationLeader


def a_leader(w):
    """A leader in post in county A (made on first use, the same one after)."""
    leader, _ = OrganizationLeader.objects.get_or_create(
        organization=w["a"].orgs["dept"],
        name="甲县程立军",
        post="主任",
        defaults={"start_on": datetime.date(2021, 6, 1)},
    )
    return leader


def organizations_xlsx(rows, header=COLUMNS) -> bytes:
    """An import file: ``header`` (the import's columns) and then ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
