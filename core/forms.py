import re

from django import forms
from django.core.exceptions import ValidationError

# A text field, not the browser's date picker, whose text follows the browser's language.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "例：2025-09-30", "autocomplete": "off"})


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


def post_form(request, form, act, *, back: str, done, record_errors: str):
    """The usual POST of a page: if ``form`` is valid, ``act(form.cleaned_data)`` (a service
    call); then a success message (``done``, or ``done(result)``) and a redirect to ``back``.

    A ``ValidationError`` about the whole record (its key ``record_errors``: the plan is no
    longer a draft, say) becomes a page message and the same redirect; any other goes onto
    the form's fields. Answers None when the form is to be shown again with its errors.
    """
    from django.contrib import messages
    from django.shortcuts import redirect

    if not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except ValidationError as e:
        if record_errors in e.message_dict:
            messages.error(request, error_text(e))
            return redirect(back)
        apply_service_errors(form, e)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(back)
