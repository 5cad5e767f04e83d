"""Writes on authorities, accounts, roles and receivers. Each writes its audit event."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import access, scopes
from core.audit import audit_record
from core.models import ApiToken, Authority, LoginAttempt, PasswordHistory, Receiver, Role, RoleAssignment, User


def authority_create(*, actor, name: str, code: str, level: str, parent: Authority | None = None) -> Authority:
    """Create an authority under ``parent``. Installation set-up (``actor`` may be None for commands)."""
    with transaction.atomic():
        authority = Authority(name=name, code=code, level=level, parent=parent)
        authority.full_clean()
        authority.save()
        authority.path = f"{parent.path if parent else '/'}{authority.pk}/"
        authority.save(update_fields=["path"])
        audit_record(actor=actor, action="authority.create", obj=authority, authority=authority)
        from core.signals import authority_created

        authority_created.send(sender=Authority, authority=authority)
    return authority


def user_create(
    *,
    actor,
    authority: Authority,
    username: str,
    full_name: str,
    password: str,
    phone: str = "",
    must_change_password: bool = True,
) -> User:
    """Create an account. ``actor`` must be a security administrator over ``authority``.

    Raises ``ValidationError`` keyed by field, with Chinese messages.
    """
    access.check_authority(actor, "change", User, authority)
    username = username.strip()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not username:
        errors.setdefault("username", []).append("请填写账号。")
    elif User.objects.filter(username=username).exists():
        errors.setdefault("username", []).append(ValidationError("该账号已存在。", code="duplicate"))
    if not full_name.strip():
        errors.setdefault("full_name", []).append("请填写姓名。")
    user = User(username=username, full_name=full_name.strip(), phone=phone, authority=authority)
    try:
        user.clean_fields(exclude=["password", "full_name"])
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        errors.setdefault("password", []).extend(e.error_list)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user.set_password(password)
            user.password_changed_at = timezone.now()
            user.must_change_password = must_change_password
            user.save()
            PasswordHistory.objects.create(user=user, password=user.password)
            audit_record(actor=actor, action="user.create", obj=user, authority=authority)
    except IntegrityError:  # the same form sent twice at once
        raise ValidationError({"username": [ValidationError("该账号已存在。", code="duplicate")]})
    return user


def user_set_active(*, actor, user: User, active: bool) -> User:
    access.check(actor, "change", user)
    if actor is not None and actor.pk == user.pk and not active:
        raise ValidationError({"is_active": [ValidationError("不能停用自己的账号。", code="self_action")]})
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            ApiToken.objects.filter(user=user).delete()
        audit_record(actor=actor, action="user.activate" if active else "user.deactivate", obj=user)
    return user


def user_reset_password(*, actor, user: User, password: str) -> User:
    """Set a new password for someone else; they must change it at next login.

    Administrators' passwords are not reset here (三员分立: the security
    administrator must not be able to become the auditor); the installation's
    set-up command does that.
    """
    access.check(actor, "change", user)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"password": [ValidationError("请在“修改密码”中修改自己的密码。", code="self_action")]})
    if actor is not None and user.role_assignments.filter(role__in=access.ADMIN_ROLES).exists():
        raise ValidationError(
            {"password": [ValidationError("三员分立：管理员账号的密码不能在此重置。", code="separation_of_duties")]}
        )
    return _password_set(actor=actor, user=user, password=password, must_change=True, action="user.password_reset")


def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The user changes their own password."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["原密码不正确。"]})
    if old_password == new_password:
        raise ValidationError({"new_password": [ValidationError("新密码不能与原密码相同。", code="password_reused")]})
    return _password_set(actor=user, user=user, password=new_password, must_change=False, action="user.password_change")


def _password_set(*, actor, user: User, password: str, must_change: bool, action: str) -> User:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"new_password": e.error_list}) from e
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.must_change_password = must_change
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        PasswordHistory.objects.create(user=user, password=user.password)
        ApiToken.objects.filter(user=user).delete()
        stale = user.password_history.all()[settings.XUNCHA["PASSWORD_HISTORY"] :].values_list("id", flat=True)
        PasswordHistory.objects.filter(id__in=list(stale)).delete()
        audit_record(actor=actor, action=action, obj=user)
    return user


def role_assign(*, actor, user: User, role: str, authority: Authority, scope_id: int | None = None) -> RoleAssignment:
    """Grant ``role`` on a scope. The scope must exist and belong to ``authority``."""
    access.check(actor, "change", user)
    access.check_authority(actor, "change", User, authority)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if role not in Role.values:
        errors["role"] = [ValidationError("未知的角色。", code="unknown_choice")]
    else:
        scope_kind = access.ROLE_SCOPE[role]
        if scope_kind is None:
            scope_id = None
        elif scope_id is None:
            errors["scope_id"] = ["该角色须指定范围。"]
        else:
            found = scopes.resolve(scope_kind, [scope_id]).get(scope_id)
            if found is None or found[0] != authority.pk:
                errors["scope_id"] = [ValidationError("所选范围不存在或不属于该机构。", code="unknown_reference")]
    if user.authority is None or not _is_below(authority, user.authority):
        errors.setdefault("authority", []).append(
            ValidationError("只能在账号所属机构或其下级机构授权。", code="unknown_reference")
        )
    if actor is not None and actor.pk == user.pk:
        errors.setdefault("role", []).append(ValidationError("不能给自己授权。", code="self_action"))
    elif role in Role.values:
        held = set(user.role_assignments.values_list("role", flat=True))
        clash = _duty_clash(role, held)
        if clash:
            errors.setdefault("role", []).append(ValidationError(clash, code="separation_of_duties"))
    if (
        not errors
        and RoleAssignment.objects.filter(user=user, role=role, authority=authority, scope_id=scope_id).exists()
    ):
        errors["role"] = [ValidationError("该账号已有此授权。", code="duplicate")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ra = RoleAssignment.objects.create(
            user=user, role=role, authority=authority, scope_id=scope_id, granted_by=actor
        )
        audit_record(
            actor=actor,
            action="role.assign",
            obj=user,
            authority=authority,
            detail={"role": role, "authority": authority.name, "scope_id": scope_id},
        )
    return ra


def _duty_clash(role: str, held: set[str]) -> str:
    """三员分立: an administrator role stands alone, beside no other role of either kind."""
    admin = set(access.ADMIN_ROLES)
    if role in admin and held - {role}:
        return "三员分立：系统管理员、安全保密管理员、安全审计员不得兼任其他角色。"
    if role not in admin and held & admin:
        return "三员分立：该账号是管理员账号，不得再授予业务角色。"
    return ""


def _is_below(lower: Authority, upper: Authority) -> bool:
    return lower.path.startswith(upper.path)


def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    access.check(actor, "change", assignment)
    with transaction.atomic():
        detail = {"role": assignment.role, "authority": assignment.authority.name, "scope_id": assignment.scope_id}
        user = assignment.user
        assignment.delete()
        audit_record(actor=actor, action="role.revoke", obj=user, authority=assignment.authority, detail=detail)


def receiver_create(*, actor, authority: Authority, name: str, kind: str) -> Receiver:
    access.check_authority(actor, "change", Receiver, authority)
    with transaction.atomic():
        receiver = Receiver(authority=authority, name=name, kind=kind)
        receiver.full_clean()
        receiver.save()
        audit_record(actor=actor, action="receiver.create", obj=receiver)
    return receiver


# --- authentication -------------------------------------------------------


class LoginRefused(Exception):
    """Raised with a Chinese message for the login page and the API alike."""


class SecondFactorNeeded(LoginRefused):
    """The password was right and the account has a second factor: ask for its code
    (``auth_second_factor``). Nothing is recorded yet, so a right password clears no count."""

    def __init__(self, user: User):
        super().__init__("请输入两步验证码。")
        self.user = user


def auth_authenticate(*, username: str, password: str, ip: str | None, code: str | None = None) -> User:
    """Check credentials with the lockout rule; audit the outcome.

    Failures are counted per account and address together (as django-axes does): five in
    fifteen minutes lock that account from that address, so that one person mistyping behind
    an office's shared address locks out no colleague, and a stranger guessing locks out no
    one but themself. Guessing at scale is locked too, at higher counts: many accounts from
    one address (``LOCKOUT_ADDRESS_FAILURES``, that address), one account from many addresses
    (``LOCKOUT_ACCOUNT_FAILURES``, that account). A success clears its account's count.

    An account with a second factor signs in only with its code as well: given here (the
    API), or asked for next (the login page catches ``SecondFactorNeeded``). A wrong code
    is a failure like a wrong password.
    """
    from django.contrib.auth import authenticate

    from core.twofactor import otp_enrolled

    username = (username or "").strip()[:150]
    _lockout_check(username, ip)
    user = authenticate(username=username, password=password)
    if user is None:
        _attempt_record(username, ip, None, "auth.login_failed")
        # Raised outside the transaction, so that the failure and its audit event are kept.
        raise LoginRefused("账号或密码不正确。")
    if otp_enrolled(user):
        if code is None:
            raise SecondFactorNeeded(user)
        return auth_second_factor(user=user, code=code, ip=ip)
    _attempt_record(username, ip, user, "auth.login")
    return user


def auth_second_factor(*, user: User, code: str, ip: str | None) -> User:
    """The sign-in's second step: the code from the phone, or a recovery code. The lockout
    rule counts a wrong code as a failed sign-in. The user comes back carrying the device
    (``otp_device``), which Django's ``login`` records in the session as verified."""
    from core.twofactor import otp_match, otp_wait, otp_wait_text

    _lockout_check(user.username, ip)
    if wait := otp_wait(user):  # the phone's own throttle: not a further failure
        raise LoginRefused(otp_wait_text(wait))
    device = otp_match(user=user, code=code or "")
    if device is None:
        _attempt_record(user.username, ip, None, "auth.otp_failed")
        raise LoginRefused("验证码不正确或已过期。")
    _attempt_record(user.username, ip, user, "auth.login", detail={"second_factor": device._meta.model_name})
    user.otp_device = device  # type: ignore[attr-defined]  # django-otp reads it when Django logs the user in
    return user


def _lockout_check(username: str, ip: str | None) -> None:
    cfg = settings.XUNCHA
    since = timezone.now() - timedelta(minutes=cfg["LOCKOUT_WINDOW_MINUTES"])
    last_ok = (
        LoginAttempt.objects.filter(username=username, success=True, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(success=False)
    by_account = failures.filter(username=username, at__gte=last_ok or since).count()
    by_pair = failures.filter(username=username, ip=ip, at__gte=last_ok or since).count() if ip else by_account
    by_address = failures.filter(ip=ip, at__gte=since).count() if ip else 0
    if (
        by_pair >= cfg["LOCKOUT_FAILURES"]
        or by_account >= cfg["LOCKOUT_ACCOUNT_FAILURES"]
        or by_address >= cfg["LOCKOUT_ADDRESS_FAILURES"]
    ):
        detail = {"by_pair": by_pair, "by_account": by_account, "by_address": by_address}
        _attempt_record(username, ip, None, "auth.locked", detail=detail)
        raise LoginRefused(f"登录失败次数过多，账号已锁定，请 {cfg['LOCKOUT_WINDOW_MINUTES']} 分钟后再试。")


def _attempt_record(username: str, ip: str | None, user: User | None, action: str, detail=None) -> None:
    """One sign-in attempt: counted for the lockout rule and audited."""
    with transaction.atomic():
        LoginAttempt.objects.create(username=username, ip=ip, success=user is not None)
        if user is not None:
            audit_record(actor=user, action=action, obj=user, detail=detail or {})
            return
        known = User.objects.filter(username=username).first()
        audit_record(
            actor=None,
            action=action,
            outcome="denied" if action == "auth.locked" else "failure",
            username=username,
            authority=known.authority if known else None,
            detail=detail or {},
        )


def password_change_due(user: User) -> bool:
    """First login after an account was made or reset, or the password is older than allowed."""
    max_age = timedelta(days=settings.XUNCHA["PASSWORD_MAX_AGE_DAYS"])
    return (
        user.must_change_password
        or user.password_changed_at is None
        or (timezone.now() - user.password_changed_at > max_age)
    )


def api_token_issue(*, user: User) -> str:
    """A new bearer token; only its hash is kept. Refused while a password change is due, or
    while the account has no second factor where one is required."""
    from core.twofactor import otp_enrolled, otp_required

    if password_change_due(user):
        raise LoginRefused("密码须先修改：请登录网页修改密码后再使用接口。")
    if otp_required() and not otp_enrolled(user):
        raise LoginRefused("须先设置两步验证：请登录网页，按提示用手机验证器扫码后再使用接口。")
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(hours=settings.XUNCHA["API_TOKEN_HOURS"]),
    )
    return key


def api_token_user(key: str) -> User | None:
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest, expires_at__gt=timezone.now()).first()
    if token is None or not token.user.is_active:
        return None
    return token.user
