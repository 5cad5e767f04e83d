import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from core.audit import RequestContext, context_reset, context_set
from core.logfilters import ANONYMOUS_PATHS  # one list for the middleware and the log filter


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind a reverse proxy the header
    it sets, named by ``XUNCHA_PROXY_IP_HEADER`` (e.g. ``HTTP_X_REAL_IP``)."""
    header = settings.XUNCHA_PROXY_IP_HEADER
    value = request.META.get(header, "") if header else ""
    return value.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Carries the client address and a trace id to the audit trail; sends a session to what it
    must do first (``session_next_step``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The public reporting channel records no address of whoever reports (security.md).
        anonymous = request.path.startswith(ANONYMOUS_PATHS)
        ctx = RequestContext(ip=None if anonymous else client_ip(request))
        request.trace_id = ctx.trace_id
        token = context_set(ctx)
        try:
            redirect_to = self._password_due(request)
            if redirect_to:
                return redirect(redirect_to)
            response = self.get_response(request)
            if anonymous:  # receipt codes and replies are not kept by browsers or proxies
                response["Cache-Control"] = "no-store"
            return response
        finally:
            context_reset(token)

    def _password_due(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(("/api/", "/static/")):
            return None
        step = session_next_step(user)
        if step is None or request.path == reverse("logout"):
            return None
        if step == "login":  # signed in before the phone was set up in another session
            logout(request)
            return None if request.path == reverse("login") else reverse("login")
        return None if request.path == reverse(step) else reverse(step)


def session_next_step(user) -> str | None:
    """The page a signed-in session must go to before any other (a URL name), or None:
    setting up the second factor where it is required (or signing in again with it, for a
    session begun before it was set up), then a due password change. The API's session
    authentication refuses such a session as well."""
    from core.services import password_change_due
    from core.twofactor import otp_enrolled, otp_required

    if otp_required() and not user.is_verified():
        return "login" if otp_enrolled(user) else "two_factor"
    return "password_change" if password_change_due(user) else None


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


class OutOfRangeMiddleware:
    """A number too large for the database (an id of 30 digits typed into a form or a query
    string) is bad input, not a server error: answer 404, as for any record that does not exist."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError

        if isinstance(exception, OverflowError | DataError):
            from core.views.errors import not_found

            return not_found(request)
        return None


# Scripts only from the site's own files (no inline script or on… handler anywhere, no eval);
# styles may be inline (Bootstrap's utilities, HTMX's indicator style); nothing from outside
# the site, as it runs offline on an intranet; no framing; forms post to the site only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """The Content-Security-Policy on every page (HTML answers: a downloaded PDF opens in the
    browser's own viewer, which a page policy would block) and the Permissions-Policy on
    every answer; X-Frame-Options, Referrer-Policy and nosniff come from Django's settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
