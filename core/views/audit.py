"""The audit trail, for the security auditor: read only."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core import access
from core.models import AuditEvent, Role
from core.paging import paginate
from core.selectors import audit_events_for

# Categories of audit actions: an exact action, or a prefix ending in ".". The filter
# offers them in this order; the list names each event by the first that matches.
ACTION_CATEGORIES = [
    ("auth.login", "登录"),
    ("auth.login_failed", "登录失败"),
    ("auth.otp_failed", "验证码错误"),
    ("auth.locked", "登录锁定"),
    ("auth.logout", "退出"),
    ("otp.", "两步验证"),
    ("audit.", "审计日志清理"),
    ("role.", "权限变更"),
    ("user.", "账号管理"),
    ("organization.export", "导出"),
    ("organization.", "党组织名册"),
    ("authority.", "机构"),
    ("read.", "查阅涉密记录"),
]


def role_labels(roles: str) -> str:
    return "、".join(Role(r).label if r in Role.values else r for r in roles.split(",") if r)


def action_label(action: str) -> str:
    for prefix, label in ACTION_CATEGORIES:
        if action == prefix or (prefix.endswith(".") and action.startswith(prefix)):
            return label
    return action


class AuditFilter(forms.Form):
    actor = forms.CharField(label="账号", required=False)
    action = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *ACTION_CATEGORIES])
    outcome = forms.ChoiceField(label="结果", required=False, choices=[("", "全部")] + list(AuditEvent.Outcome.choices))
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"placeholder": "例：2025-09-30"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"placeholder": "例：2025-09-30"})
    )
    # The 追踪号 printed on an exported file (its watermark, a workbook's footer): the whole,
    # or its first characters, as read off a photograph.
    trace = forms.CharField(
        label="追踪号",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "文件水印上的追踪号"}),
    )

    def clean_trace(self):
        trace = "".join(self.cleaned_data["trace"].split()).lower()
        if trace and (len(trace) < 6 or any(c not in "0123456789abcdef" for c in trace)):
            raise forms.ValidationError("追踪号是 32 位十六进制字符（0-9、a-f），请至少输入前 6 位。")
        return trace


@login_required
def audit_list(request):
    access.require_page(request.user, "view", AuditEvent)
    form = AuditFilter(request.GET or None)
    valid = form.is_valid() or not form.is_bound
    filters = form.cleaned_data if form.is_bound and valid else {}
    qs = audit_events_for(user=request.user, **{k: v for k, v in filters.items() if v})
    if not valid:  # a filter that cannot be read finds nothing, rather than everything
        qs = qs.none()
    page = paginate(request, qs.select_related("authority"))
    for e in page:
        e.action_label = action_label(e.action)
        e.role_labels = role_labels(e.roles)
    return render(request, "core/audit_list.html", {"page": page, "form": form})


@login_required
def audit_detail(request, pk):
    event = get_object_or_404(audit_events_for(user=request.user), pk=pk)
    event.action_label = action_label(event.action)
    event.role_labels = role_labels(event.roles)
    return render(request, "core/audit_detail.html", {"event": event})
