"""The second factor (两步验证): a TOTP app on the user's phone (RFC 6238, django-otp's
``TOTPDevice``) and ten one-use recovery codes for a lost phone.

Every account must set one up when ``XUNCHA_OTP_REQUIRED`` is on (production); an account
that has one is asked for it at every sign-in whatever the setting. The login page and the
API's token endpoint check codes through ``core.services.auth_second_factor``, which counts a
wrong code as a failed sign-in for the lockout rule.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import access
from core.audit import audit_record
from core.models import ApiToken, RecoveryCodes, User

RECOVERY_CODE_COUNT = 10
# Without 0/O, 1/I/L and U: a code read off paper is typed right.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
DEVICE_NAME = "手机验证器"


def otp_required() -> bool:
    return settings.XUNCHA_OTP_REQUIRED


def otp_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_state(user: User) -> dict:
    """What the user's own page and the security administrator's page show."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    codes = RecoveryCodes.objects.filter(user=user, confirmed=True).first()
    return {
        "enrolled": device is not None,
        "since": device.created_at if device else None,
        "last_used": device.last_used_at if device else None,
        "codes_left": len(codes.digests) if codes else 0,
    }


def otp_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose QR code the enrolment page shows (the same one on a reload,
    so that a phone that scanned it keeps working)."""
    if otp_enrolled(user):
        raise ValidationError({"code": [ValidationError("已设置两步验证。", code="already_enrolled")]})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def otp_enrol_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the phone with a code it shows; returns the recovery codes, shown once."""
    device = otp_enrol_start(user=user)
    _code_check(device, code)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _recovery_replace(user)
        audit_record(actor=user, action="otp.enrol", obj=user)
    return codes


def otp_recovery_renew(*, user: User, code: str) -> list[str]:
    """New recovery codes in place of the old ones, asked for with a code from the phone."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise ValidationError({"code": [ValidationError("尚未设置两步验证。", code="not_enrolled")]})
    _code_check(device, code)
    with transaction.atomic():
        codes = _recovery_replace(user)
        audit_record(actor=user, action="otp.recovery_renew", obj=user)
    return codes


def otp_reset(*, actor, user: User) -> None:
    """Remove a user's phone and recovery codes (they lost both): they set up a new phone at
    their next sign-in. The security administrator's act, audited; not on their own account,
    nor on another administrator's (三员分立), which ``manage.py otp_reset`` does."""
    access.check(actor, "change", user)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"user": [ValidationError("不能重置自己的两步验证。", code="self_action")]})
    if actor is not None and user.role_assignments.filter(role__in=access.ADMIN_ROLES).exists():
        raise ValidationError(
            {"user": [ValidationError("三员分立：管理员账号的两步验证不能在此重置。", code="separation_of_duties")]}
        )
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        RecoveryCodes.objects.filter(user=user).delete()
        # The lost phone may be in someone's hands with a session open, or a script may hold a
        # token got with its code: both end, so that only the password opens the new set-up.
        ApiToken.objects.filter(user=user).delete()
        ended = _sessions_end(user)
        audit_record(actor=actor, action="otp.reset", obj=user, detail={"devices": removed, "sessions": ended})


def otp_wait(user: User) -> int:
    """Seconds before the user's phone accepts another code: each wrong code doubles the
    wait (1, 2, 4 … seconds; django-otp's throttle), beside the sign-in lockout."""
    waits = [_wait(device) for device in TOTPDevice.objects.filter(user=user, confirmed=True)]
    return max(waits, default=0)


def otp_match(*, user: User, code: str):
    """The device that accepts ``code`` (the phone's six digits, or a recovery code), or None."""
    digits = _digits(code)
    if len(digits) == 6:
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if (locked := _verified(device, digits)) is not None:
                return locked
        return None
    for codes in RecoveryCodes.objects.filter(user=user, confirmed=True):
        if codes.verify_token(code):
            audit_record(actor=user, action="otp.recovery_used", obj=user, detail={"left": len(codes.digests)})
            return codes
    return None


def otp_qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI (the policy allows ``data:`` images)."""
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def otp_secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_digest(code: str) -> str | None:
    """A recovery code's keyed hash, after the forms a person types it in (spaces, a hyphen,
    lower case); None for what cannot be one."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(normal) != 10 or any(ch not in RECOVERY_ALPHABET for ch in normal):
        return None
    return salted_hmac("xuncha.recovery-code", normal, algorithm="sha256").hexdigest()


_WRONG_CODE = "验证码不正确或已过期：请输入验证器当前显示的 6 位数字。"


def _sessions_end(user: User) -> int:
    """End the user's open sessions (the database's session store): how many."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _wait(device: TOTPDevice) -> int:
    from math import ceil

    from django.utils import timezone

    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0
    return max(1, ceil((info["locked_until"] - timezone.now()).total_seconds()))


def otp_wait_text(seconds: int) -> str:
    return f"验证码错误次数较多，请 {seconds} 秒后再输入。"


def _code_check(device: TOTPDevice, code: str) -> None:
    if wait := _wait(device):
        raise ValidationError({"code": [ValidationError(otp_wait_text(wait), code="otp_invalid")]})
    if _verified(device, _digits(code)) is None:
        raise ValidationError({"code": [ValidationError(_WRONG_CODE, code="otp_invalid")]})


def _verified(device: TOTPDevice, digits: str) -> TOTPDevice | None:
    """The device, if it accepts the code: checked and recorded (the last period used, the
    throttle) under a lock on its row, so that two requests with one code cannot both pass."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return locked if locked.verify_token(digits) else None


def _digits(code: str) -> str:
    return "".join(ch for ch in str(code or "") if not ch.isspace())


def _recovery_replace(user: User) -> list[str]:
    """New codes in the user's one recovery device (changed in place: a session verified by a
    recovery code stays verified)."""
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    digests = [recovery_digest(c) for c in codes]
    device = RecoveryCodes.objects.filter(user=user).order_by("pk").first()
    if device is None:
        RecoveryCodes.objects.create(user=user, name="恢复码", confirmed=True, digests=digests)
    else:
        RecoveryCodes.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.digests, device.confirmed = digests, True
        device.save(update_fields=["digests", "confirmed"])
    return [f"{c[:5]}-{c[5:]}" for c in codes]
