"""Password rules (security.md): letters, digits and symbols; no reuse of the last five."""

import secrets
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password, user=None):
        has_letter = any(c.isascii() and c.isalpha() for c in password)
        has_digit = any(c.isdigit() for c in password)
        has_symbol = any(not c.isalnum() for c in password)
        if not (has_letter and has_digit and has_symbol):
            raise ValidationError("密码须同时包含字母、数字和符号。", code="password_classes")

    def get_help_text(self):
        return "密码须同时包含字母、数字和符号。"


class HistoryValidator:
    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        depth = settings.XUNCHA["PASSWORD_HISTORY"]
        for old in user.password_history.all()[:depth]:
            if check_password(password, old.password):
                raise ValidationError(f"不能使用最近 {depth} 次用过的密码。", code="password_reused")

    def get_help_text(self):
        return "不能与最近使用过的密码相同。"


def password_generate(length: int = 14) -> str:
    """A random password that meets the rules, for new and demo accounts."""
    symbols = "!@#%^&*-_=+?"
    alphabet = string.ascii_letters + string.digits + symbols
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isalpha() for c in pw) and any(c.isdigit() for c in pw) and any(c in symbols for c in pw):
            return pw
