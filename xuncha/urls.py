from django.urls import include, path

from core.urls import accounts_patterns, audit_patterns
from core.views import auth, twofactor, workbench
from onsite.urls import public_patterns
from xuncha.api import api

urlpatterns = [
    path("", workbench.workbench, name="workbench"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("login/verify/", auth.login_verify_view, name="login_verify"),
    path("password/", auth.password_change_view, name="password_change"),
    path("two-factor/", twofactor.two_factor, name="two_factor"),
    path("system/", workbench.system_status, name="system"),
    path("accounts/", include(accounts_patterns)),
    path("audit/", include(audit_patterns)),
    path("registry/", include("registry.urls")),
    path("planning/", include("planning.urls")),
    path("onsite/", include("onsite.urls")),
    path("results/", include("results.urls")),
    path("rectification/", include("rectification.urls")),
    path("comparison/", include("comparison.urls")),
    path("p/", include(public_patterns)),  # the public reporting channel: no login
    path("api/v1/", api.urls),
]

handler404 = "core.views.errors.not_found"
handler403 = "core.views.errors.forbidden"
handler500 = "core.views.errors.server_error"
