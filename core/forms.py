import re

from django.core.exceptions import ValidationError


def apply_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` next to the form's fields (or above the form)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def error_text(exc: ValidationError) -> str:
    """All of a service's messages on one line, for a page message."""
    return "；".join(m for messages in exc.message_dict.values() for m in messages)


def is_id(value) -> bool:
    """Whether ``value`` (from a form or query string) can be a record id: ASCII digits that fit
    in a database integer. ``str.isdigit`` also accepts "²" and "١", which ``int`` then refuses."""
    return isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value) is not None
