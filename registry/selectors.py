from django.db.models import Q

from core import access
from core.forms import is_id
from registry.models import Organization, OrganizationKind, OrganizationLeader


def _id(value) -> int | None:
    """A filter id from a query string; anything else filters nothing."""
    return int(value) if isinstance(value, int) or is_id(value) else None


def organizations_for(*, user, action="view", search=None, kind=None, status=None, parent=None):
    """Organisations the user may see (or change), filtered as on the registry page.

    Filters that are not ids (a hand-edited URL) are ignored rather than failing.
    """
    qs = Organization.objects.select_related("kind", "parent", "merged_into", "authority")
    qs = access.restrict(qs, user, action)
    kind, parent = _id(kind), _id(parent)
    if status not in (None, "", *Organization.Status.values):
        status = None
    if search:
        qs = qs.filter(Q(name__icontains=search.strip()) | Q(code__icontains=search.strip()))
    if kind:
        qs = qs.filter(kind_id=kind)
    if status:
        qs = qs.filter(status=status)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("authority__path", "code")


def organization_kinds_for(*, user, authority_id=None):
    qs = access.restrict(OrganizationKind.objects.all(), user, "view")
    if authority_id:
        qs = qs.filter(authority_id=authority_id)
    return qs


def organization_leaders_for(*, user, organization):
    """The organisation's leaders the user may see: those in post first, then those who left."""
    return access.restrict(OrganizationLeader.objects.filter(organization=organization).current_first(), user, "view")
