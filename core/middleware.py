from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.audit import RequestContext, context_reset, context_set


def client_ip(request) -> str | None:
    """The client's address. Behind a proxy, set it to overwrite REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Carries the client address and a trace id to the audit trail; forces due password changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ctx = RequestContext(ip=client_ip(request))
        request.trace_id = ctx.trace_id
        token = context_set(ctx)
        try:
            redirect_to = self._password_due(request)
            if redirect_to:
                return redirect(redirect_to)
            return self.get_response(request)
        finally:
            context_reset(token)

    def _password_due(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(("/api/", "/static/")):
            return None
        allowed = {reverse("password_change"), reverse("logout")}
        if request.path in allowed:
            return None
        max_age = timedelta(days=settings.XUNCHA["PASSWORD_MAX_AGE_DAYS"])
        stale = user.password_changed_at is None or timezone.now() - user.password_changed_at > max_age
        if user.must_change_password or stale:
            return reverse("password_change")
        return None
