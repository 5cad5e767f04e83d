import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from core import access
from core.middleware import client_ip
from core.models import AuditEvent
from core.selectors import audit_events_for
from core.services import LoginRefused, SecondFactorNeeded, api_token_issue, auth_authenticate

OPERATION_ID_PREFIX = "core_api"  # its operation ids from before it moved here

router = Router(tags=["账号与审计"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(
        None,
        max_length=20,
        description="两步验证码：手机验证器显示的 6 位数字，或一个恢复码。账号已设置两步验证时必填。",
    )


class TokenOut(Schema):
    token: str


class Detail(Schema):
    detail: str
    code: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: Detail})
def token(request, payload: TokenIn):
    """Exchange a username and password, and the second factor's code where the account has
    one, for a bearer token. Failures count toward lockout; a right password without the code
    answers 401 with the code `otp_required`, and counts for nothing."""
    try:
        user = auth_authenticate(
            username=payload.username, password=payload.password, ip=client_ip(request), code=payload.otp
        )
        return 200, {"token": api_token_issue(user=user)}
    except SecondFactorNeeded as e:
        return 401, {"detail": str(e), "code": "otp_required"}
    except LoginRefused as e:
        return 401, {"detail": str(e), "code": "login_refused"}


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    authority_id: int | None
    roles: list[str]


@router.get("/me", response=MeOut)
def me(request):
    u = request.user
    return {
        "id": u.id,
        "username": u.username,
        "full_name": u.full_name,
        "authority_id": u.authority_id,
        "roles": sorted(access.roles(u)),
    }


class AuditEventOut(Schema):
    id: int
    seq: int
    at: datetime
    authority_id: int | None
    actor_username: str
    roles: str
    ip: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    outcome: str
    detail: dict
    trace_id: str
    hash: str


class AuditPage(Schema):
    items: list[AuditEventOut]
    count: int


@router.get("/audit-events", response=AuditPage)
def audit_events(
    request,
    search: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    trace: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """The audit trail, newest first; security auditors only. ``trace``: the 追踪号 printed on an
    exported file (or its first characters) finds the events of the request that wrote it."""
    from core.api.common import page

    trace = "".join((trace or "").split()).lower() or None
    if trace is not None and not re.fullmatch(r"[0-9a-f]{6,32}", trace):
        message = "追踪号是 32 位十六进制字符（0-9、a-f），请至少输入前 6 位。"
        raise ValidationError({"trace": [ValidationError(message, code="invalid")]})
    qs = audit_events_for(user=request.user, action=action, outcome=outcome, trace=trace)
    return page(qs, search=search, fields=("actor_username", "action", "object_repr"), limit=limit, offset=offset)


@router.get("/audit-events/{int:event_id}", response=AuditEventOut)
def audit_event(request, event_id: int):
    return get_object_or_404(access.restrict(AuditEvent.objects.all(), request.user), pk=event_id)
