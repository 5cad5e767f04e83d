"""The one exception to the scopes of rectification data: a look-back (回头看) team reads
the findings, tasks, progress and evidence of the inspection it revisits."""

from core import access
from planning.models import Inspection


def lookback_inspections_of(user, inspection: Inspection):
    """The look-back inspections revisiting ``inspection`` on which ``user`` holds a team role."""
    ids = {i for role in access.TEAM_ROLES for i in access.scope_ids(user, role)}
    return Inspection.objects.filter(pk__in=ids, revisits=inspection)


def may_read_revisited(user, inspection: Inspection) -> bool:
    return user is not None and lookback_inspections_of(user, inspection).exists()
