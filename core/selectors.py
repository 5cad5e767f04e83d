from core import access
from core.models import AuditEvent, RoleAssignment, User


def audit_events_for(*, user, action=None, outcome=None, actor=None, since=None, until=None, trace=None):
    qs = access.restrict(AuditEvent.objects.all(), user, "view").order_by("-seq")
    if action:
        # "role." means every role action; "auth.login" means exactly that one.
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if actor:
        qs = qs.filter(actor_username__icontains=actor)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    if trace:  # the events of the request that wrote an exported file (its watermark's 追踪号)
        qs = qs.filter(trace_id__startswith=trace)
    return qs


def users_for(*, user, search=None):
    qs = access.restrict(User.objects.select_related("authority"), user, "view").order_by("authority__path", "username")
    if search:
        from django.db.models import Q

        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return qs


def assignments_for(*, user, of_user):
    return access.restrict(
        RoleAssignment.objects.filter(user=of_user).select_related("authority"), user, "view"
    ).order_by("authority__path", "role")
