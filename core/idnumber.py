"""Resident identity numbers (公民身份号码, GB 11643): normalised and checked, one way for
every stage (petitions now, data comparison later).

An 18-character number is six digits of the address code, eight of the birth date
(YYYYMMDD), three of the sequence and the check character (0-9 or X), ISO 7064 MOD 11-2
over the first seventeen. An old 15-digit number has a two-digit year (19xx) and no check
character; it is upgraded to 18.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Full-width digits and X, as a Chinese input method types them.
FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "\uff38": "X", "\uff58": "X"})

WRONG_FORMAT = "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"
WRONG_BIRTH_DATE = "身份证号中的出生日期无效，请核对。"
WRONG_CHECK = "身份证号校验位不正确，请核对。"


def id_number_check_char(first17: str) -> str:
    """The check character (``0``-``9`` or ``X``) of the first seventeen digits."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("The check character is computed over exactly 17 ASCII digits.")
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_number_normalise(value: str | None) -> str:
    """``value`` as its 18 characters (ASCII digits, upper-case X), or ``""`` for a blank.

    Spaces (also full-width ones) are dropped, full-width digits and a lower-case or
    full-width x are read as their plain forms, and an old 15-digit number is upgraded.
    Raises ``ValidationError`` (code ``invalid``) with a Chinese message for a wrong length
    or character, a birth date that does not exist or lies before 1900 or after today, or a
    wrong check character.
    """
    v = re.sub(r"\s", "", (value or "").translate(FULL_WIDTH)).upper()
    if not v:
        return ""
    if re.fullmatch(r"[0-9]{15}", v):
        v = v[:6] + "19" + v[6:]
        v += id_number_check_char(v)
    elif not re.fullmatch(r"[0-9]{17}[0-9X]", v):
        raise ValidationError(WRONG_FORMAT, code="invalid")
    try:
        born = datetime.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise ValidationError(WRONG_BIRTH_DATE, code="invalid") from None
    if born < datetime.date(1900, 1, 1) or born > timezone.localdate():
        raise ValidationError(WRONG_BIRTH_DATE, code="invalid")
    if v[17] != id_number_check_char(v[:17]):
        raise ValidationError(WRONG_CHECK, code="invalid")
    return v
