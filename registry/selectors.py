from django.db.models import Q

from core import access
from registry.models import Organization, OrganizationKind


def organizations_for(*, user, action="view", search=None, kind=None, status=None, parent=None, authority=None):
    """Organisations the user may see (or change), filtered as on the registry page."""
    qs = Organization.objects.select_related("kind", "parent", "merged_into", "authority")
    qs = access.restrict(qs, user, action)
    if authority:
        qs = qs.filter(authority_id=authority)
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
