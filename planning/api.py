from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api_utils import page
from planning.selectors import inspections_for

router = Router(tags=["巡察规划"])


class InspectionOut(Schema):
    id: int
    round_id: int
    organization_id: int
    kind: str
    stage: str


class InspectionPage(Schema):
    items: list[InspectionOut]
    count: int


@router.get("", response=InspectionPage)
def inspection_list(request, search: str | None = None, limit: int = 50, offset: int = 0):
    return page(
        inspections_for(user=request.user), search=search, fields=("organization__name",), limit=limit, offset=offset
    )


@router.get("/{int:inspection_id}", response=InspectionOut)
def inspection_get(request, inspection_id: int):
    return get_object_or_404(inspections_for(user=request.user), pk=inspection_id)
