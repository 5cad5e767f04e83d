from core import access
from planning.models import Inspection


def inspections_for(*, user, round=None):
    """Inspections the user may see: the office all of its authority's, a team its own."""
    qs = Inspection.objects.select_related("round__term", "organization")
    if round is not None:
        qs = qs.filter(round=round)
    return access.restrict(qs, user, "view")
