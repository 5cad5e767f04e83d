import time

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.audit import audit_record
from core.forms import post_form
from core.middleware import client_ip
from core.models import User
from core.services import LoginRefused, SecondFactorNeeded, auth_authenticate, auth_second_factor, password_change

# The password step leaves the account's id here for the code step, for a few minutes.
PENDING_KEY = "xuncha_login_pending"
PENDING_SECONDS = 300


class LoginForm(forms.Form):
    username = forms.CharField(
        label="账号", max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


def _next_url(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return next_url if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) else ""


def login_view(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or "workbench")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = auth_authenticate(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except SecondFactorNeeded as e:
            request.session.cycle_key()  # a session key planted before the password is not the one that holds it
            request.session[PENDING_KEY] = {"user": e.user.pk, "at": int(time.time()), "next": next_url}
            return redirect("login_verify")
        except LoginRefused as e:
            error = str(e)
        else:
            login(request, user)
            return redirect(next_url or "workbench")
    return render(request, "core/login.html", {"form": form, "error": error, "next": next_url})


class CodeForm(forms.Form):
    """A second-factor code: the phone's six digits, or a recovery code (the sign-in's second
    step, the set-up, new recovery codes)."""

    code = forms.CharField(
        label="验证码",
        max_length=20,
        help_text="验证器当前显示的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )


def login_verify_view(request):
    """The sign-in's second step: the code from the phone's authenticator, or a recovery code."""
    pending = request.session.get(PENDING_KEY) or {}
    user = None
    if int(time.time()) - int(pending.get("at", 0)) <= PENDING_SECONDS:
        user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        if request.method == "POST" or pending:
            messages.info(request, "验证已超时，请重新输入账号和密码。")
        return redirect("login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = auth_second_factor(user=user, code=form.cleaned_data["code"], ip=client_ip(request))
        except LoginRefused as e:
            error = str(e)
        else:
            request.session.pop(PENDING_KEY, None)
            login(request, user)
            return redirect(pending.get("next") or "workbench")
    return render(request, "core/login_verify.html", {"form": form, "error": error})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="auth.logout", obj=request.user)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        help_text="至少 8 位，须包含字母、数字和符号，不能与最近 5 次的密码相同。",
    )
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST":

        def act(d):
            password_change(user=request.user, old_password=d["old_password"], new_password=d["new_password"])
            update_session_auth_hash(request, request.user)

        if sent := post_form(request, form, act, back="workbench", done="密码已修改。"):
            return sent
    due = request.user.must_change_password
    return render(request, "core/password_change.html", {"form": form, "due": due})
