"""The user's own second factor: set up a phone, see its state, renew the recovery codes.
(The security administrator's reset of someone else's is on the account's page.)"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from core.forms import error_text
from core.twofactor import (
    otp_enrol_confirm,
    otp_enrol_start,
    otp_qr_svg,
    otp_recovery_renew,
    otp_required,
    otp_secret_text,
    otp_state,
)
from core.views.auth import CodeForm


@never_cache  # the QR code's key, the recovery codes
@login_required
def two_factor(request):
    """Set-up when the account has no phone yet (the QR code to scan, then a code to confirm
    it), else its state and new recovery codes."""
    state = otp_state(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        act = otp_recovery_renew if state["enrolled"] else otp_enrol_confirm
        try:
            codes = act(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as e:
            form.add_error("code", error_text(e))
        else:
            if not state["enrolled"]:
                from django_otp.plugins.otp_totp.models import TOTPDevice

                otp_login(request, TOTPDevice.objects.get(user=request.user, confirmed=True))
            return render(request, "core/two_factor_codes.html", {"codes": codes, "first": not state["enrolled"]})
    context = {"state": state, "form": form, "required": otp_required()}
    if not state["enrolled"]:
        device = otp_enrol_start(user=request.user)
        context.update(qr=otp_qr_svg(device), secret=otp_secret_text(device))
    return render(request, "core/two_factor.html", context)
