"""Accounts and role assignments: the security administrator's pages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import access, scopes
from core.forms import error_text, is_id, post_form
from core.models import Authority, Role, RoleAssignment, User
from core.paging import paginate
from core.passwords import password_generate
from core.selectors import assignments_for, users_for
from core.services import role_assign, role_revoke, user_create, user_reset_password, user_set_active
from core.twofactor import otp_reset, otp_state


def _require_secadmin(user):
    if not access.can(user, "view", User):
        raise Http404


def _admin_authorities(user):
    return Authority.objects.filter(pk__in=access.authorities_for(user, "change", User))


@login_required
def account_list(request):
    access.require_page(request.user, "view", User)
    q = request.GET.get("q", "").strip()
    page = paginate(request, users_for(user=request.user, search=q))
    roles_by_user: dict[int, list[str]] = {}
    for ra in RoleAssignment.objects.filter(user__in=[u.pk for u in page]):
        roles_by_user.setdefault(ra.user_id, []).append(ra.get_role_display())
    for u in page:
        u.role_labels = sorted(set(roles_by_user.get(u.pk, [])))
    return render(request, "core/account_list.html", {"page": page, "q": q})


class AccountForm(forms.Form):
    authority = forms.ModelChoiceField(label="所属机构", queryset=Authority.objects.none())
    username = forms.CharField(label="账号", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    password = forms.CharField(label="初始密码", help_text="首次登录时须修改。已为您生成一个符合规则的密码，可修改。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = _admin_authorities(user)
        self.fields["authority"].empty_label = "请选择"


@login_required
def account_create(request):
    access.require_page(request.user, "view", User)
    form = AccountForm(
        request.POST or None,
        user=request.user,
        initial={"password": password_generate(), "authority": request.user.authority},
    )
    if request.method == "POST":

        def act(d):
            return user_create(
                actor=request.user,
                authority=d["authority"],
                username=d["username"],
                full_name=d["full_name"],
                phone=d["phone"],
                password=d["password"],
            )

        sent = post_form(
            request,
            form,
            act,
            back=lambda new: reverse("accounts:detail", args=[new.pk]),
            done=lambda new: f"已创建账号 {new.username}，请将初始密码当面交给本人。",
        )
        if sent:
            return sent
    return render(request, "core/account_form.html", {"form": form})


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=[("", "请选择")] + list(Role.choices))
    authority = forms.ModelChoiceField(label="机构", queryset=Authority.objects.none())
    scope_id = forms.TypedChoiceField(label="范围", coerce=int, required=False, empty_value=None, choices=[])

    def __init__(self, *args, user, target, **kwargs):
        super().__init__(*args, **kwargs)
        qs = (
            _admin_authorities(user).filter(path__startswith=target.authority.path)
            if target.authority
            else Authority.objects.none()
        )
        self.fields["authority"].queryset = qs
        self.fields["authority"].empty_label = "请选择"
        role = self.data.get("role") or self.initial.get("role")
        auth_id = self.data.get("authority") or self.initial.get("authority")
        kind = access.ROLE_SCOPE.get(role) if role else None
        label = {"inspection": "巡察", "organization": "被巡察单位", "receiver": "接收单位"}.get(kind, "范围")
        self.fields["scope_id"].label = label
        self.scope_kind = kind
        options = []
        if kind and auth_id and is_id(str(auth_id)) and qs.filter(pk=auth_id).exists():
            options = scopes.choices(kind, int(auth_id))
        self.fields["scope_id"].choices = [("", "请选择")] + options


@login_required
def account_detail(request, pk):
    _require_secadmin(request.user)
    target = get_object_or_404(users_for(user=request.user), pk=pk)
    form = RoleForm(request.POST or None, user=request.user, target=target, initial={"authority": target.authority_id})
    if request.method == "POST":

        def act(d):
            return role_assign(
                actor=request.user, user=target, role=d["role"], authority=d["authority"], scope_id=d["scope_id"]
            )

        back = reverse("accounts:detail", args=[target.pk])
        if sent := post_form(request, form, act, back=back, done="已授权。"):
            return sent
    if request.headers.get("HX-Request") and request.method == "GET":
        return render(request, "core/_role_form.html", {"form": form, "target": target})
    assignments = list(assignments_for(user=request.user, of_user=target))
    by_kind: dict[str, list[int]] = {}
    for ra in assignments:
        kind = access.ROLE_SCOPE.get(ra.role)
        if kind and ra.scope_id:
            by_kind.setdefault(kind, []).append(ra.scope_id)
    labels = {kind: scopes.resolve(kind, ids) for kind, ids in by_kind.items()}
    for ra in assignments:
        kind = access.ROLE_SCOPE.get(ra.role)
        ra.scope_label = labels.get(kind, {}).get(ra.scope_id, (None, "（已不存在）"))[1] if kind else "全机构"
    context = {"target": target, "assignments": assignments, "form": form, "otp": otp_state(target)}
    return render(request, "core/account_detail.html", context)


@login_required
def role_form_partial(request, pk):
    """Re-render the role form when the role or authority changes (HTMX)."""
    _require_secadmin(request.user)
    target = get_object_or_404(users_for(user=request.user), pk=pk)
    form = RoleForm(request.GET, user=request.user, target=target)
    return render(request, "core/_role_form.html", {"form": form, "target": target, "unbound": True})


@login_required
@require_POST
def role_revoke_view(request, pk, assignment_id):
    _require_secadmin(request.user)
    target = get_object_or_404(users_for(user=request.user), pk=pk)
    ra = get_object_or_404(assignments_for(user=request.user, of_user=target), pk=assignment_id)
    role_revoke(actor=request.user, assignment=ra)
    messages.success(request, f"已撤销“{ra.get_role_display()}”授权。")
    return redirect("accounts:detail", target.pk)


@login_required
@require_POST
def account_toggle_active(request, pk):
    _require_secadmin(request.user)
    target = get_object_or_404(users_for(user=request.user), pk=pk)
    try:
        user_set_active(actor=request.user, user=target, active=not target.is_active)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, "已启用账号。" if target.is_active else "已停用账号。")
    return redirect("accounts:detail", target.pk)


@login_required
@require_POST
def account_reset_password(request, pk):
    _require_secadmin(request.user)
    target = get_object_or_404(users_for(user=request.user), pk=pk)
    password = password_generate()
    try:
        user_reset_password(actor=request.user, user=target, password=password)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已重置 {target.username} 的密码为：{password} （请当面告知本人，首次登录须修改）")
    return redirect("accounts:detail", target.pk)


@login_required
@require_POST
def account_reset_two_factor(request, pk):
    """The user lost their phone and their recovery codes: they set up a new phone at their
    next sign-in."""
    _require_secadmin(request.user)
    target = get_object_or_404(users_for(user=request.user), pk=pk)
    try:
        otp_reset(actor=request.user, user=target)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已重置 {target.username} 的两步验证：其下次登录时须用新手机重新设置。")
    return redirect("accounts:detail", target.pk)
