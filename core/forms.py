import re

from django import forms
from django.core.exceptions import ValidationError

# A text field, not the browser's date picker, whose text follows the browser's language.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "例：2025-09-30", "autocomplete": "off"})


def apply_service_errors(form, exc: ValidationError, aliases: dict | None = None) -> None:
    """Show a service's ``ValidationError`` next to the form's fields (or above the form).
    ``aliases`` names the form field of a service key that differs (``{"file": "upload"}``)."""
    for field, errors in exc.message_dict.items():
        target = (aliases or {}).get(field, field)
        form.add_error(target if target in form.fields else None, errors)


def error_text(exc: ValidationError) -> str:
    """All of a service's messages on one line, for a page message."""
    return "；".join(m for messages in exc.message_dict.values() for m in messages)


def is_id(value) -> bool:
    """Whether ``value`` (from a form or query string) can be a record id: ASCII digits that fit
    in a database integer. ``str.isdigit`` also accepts "²" and "١", which ``int`` then refuses."""
    return isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value) is not None


def post_form(
    request,
    form,
    act,
    *,
    back,
    done,
    record_errors: str | tuple[str, ...] = (),
    error_back: str | None = None,
    aliases: dict | None = None,
):
    """The POST of a page's form, the one way: if ``form`` is valid, ``act(form.cleaned_data)``
    (a service call); then a success message and a redirect. Answers None when the form is to
    be shown again with its errors (invalid, or the service refused a field), so a view reads
    ``return post_form(...) or render(...)``.

    - ``back``: where to go after success, a URL (or URL name), or a function of ``act``'s
      result giving it (to go to the record just created);
    - ``done``: the success message, or a function of ``act``'s result giving it;
    - ``record_errors``: the key (or keys) of a ``ValidationError`` about the whole record
      rather than the form (the plan is no longer a draft, say): such an error becomes a page
      message and a redirect to ``error_back`` (by default ``back``, which must then be a URL);
      any other error goes onto the form's fields;
    - ``aliases``: service keys whose form field has another name (see ``apply_service_errors``).
    """
    from django.contrib import messages
    from django.shortcuts import redirect

    if not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except ValidationError as e:
        keys = {record_errors} if isinstance(record_errors, str) else set(record_errors)
        if keys & e.message_dict.keys():
            messages.error(request, error_text(e))
            return redirect(error_back or back)
        apply_service_errors(form, e, aliases)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(back(result) if callable(back) else back)
