from django.urls import path

from core.views import accounts, audit

accounts_patterns = (
    [
        path("", accounts.account_list, name="list"),
        path("new/", accounts.account_create, name="create"),
        path("<int:pk>/", accounts.account_detail, name="detail"),
        path("<int:pk>/role-form/", accounts.role_form_partial, name="role_form"),
        path("<int:pk>/roles/<int:assignment_id>/revoke/", accounts.role_revoke_view, name="role_revoke"),
        path("<int:pk>/toggle-active/", accounts.account_toggle_active, name="toggle_active"),
        path("<int:pk>/reset-password/", accounts.account_reset_password, name="reset_password"),
        path("<int:pk>/reset-two-factor/", accounts.account_reset_two_factor, name="reset_two_factor"),
    ],
    "accounts",
)

audit_patterns = (
    [
        path("", audit.audit_list, name="list"),
        path("<int:pk>/", audit.audit_detail, name="detail"),
    ],
    "audit",
)
