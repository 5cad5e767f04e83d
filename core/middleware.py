import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
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


class IdleTimeoutMiddleware:
    """Ends a session after ``XUNCHA["IDLE_MINUTES"]`` without a request.

    The last activity is written to the session at most once a minute, so
    an ordinary page view costs no session write.
    """

    KEY = "xuncha_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.XUNCHA["IDLE_MINUTES"] * 60:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, "长时间未操作，已自动退出，请重新登录。")
                    return redirect_to_login(request.get_full_path())
            elif now - last >= 60 or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)
