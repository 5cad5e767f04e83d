"""The machine codes of the API's errors: one registry, listed in the OpenAPI description.

Every error answer of the API carries a top-level ``code`` beside its Chinese ``detail``;
a 422 from a service's ``ValidationError`` also carries ``error_codes`` (``{field: [code, …]}``,
one code per message in ``errors``). Services give a code with Django's own mechanism::

    raise ValidationError({"to_stage": [ValidationError(message, code="stage_order")]})

A message raised without a code answers ``invalid``. Codes are stable: clients and tests
match on them, never on the Chinese text. A new code is added here, with its meaning.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

DEFAULT_CODE = "invalid"

ERROR_CODES: dict[str, str] = {
    # The answers of the API itself.
    "unauthenticated": "401: not logged in, or no valid bearer token.",
    "login_refused": "401: wrong username or password or second-factor code, or the account or address is locked "
    "for a while, or the account must first change its password or set up its second factor on the pages.",
    "otp_required": "401: the password is right and the account has a second factor: send its code as `otp`.",
    "forbidden": "403: the user may see the record but not take this action.",
    "not_found": "404: no such record, or one out of the user's sight.",
    "schema_invalid": "422: the body or query does not fit the operation's schema (a missing field, a bad date, …).",
    "bad_json": "400 (or 422): the body is not valid JSON, or not a JSON object.",
    "bad_text": "422: a text in the body holds a character no database can store (a lone surrogate such as \\ud800).",
    "bad_multipart": "400: an upload whose multipart/form-data body has no boundary or is broken.",
    "request_failed": "Another refusal of the framework, with its own status.",
    "out_of_range": "422: a number too large for the database.",
    "rate_limited": "429: too many tries from this address; wait and retry.",
    "server_error": "500: an unexpected error; it is logged.",
    "pdf_unavailable": "404: a document asked for as PDF where the server has no LibreOffice; the .docx is there.",
    "pdf_failed": "503: LibreOffice did not convert the document to PDF (timed out or failed); retry, or take .docx.",
    # The services' refusals (422 unless said otherwise).
    "invalid": "The default: the value is refused (a blank, too long, a bad format, …).",
    "conflict_of_interest": "409: the person meets conflicts of interest (回避); the office decides, with a reason.",
    "stage_order": "A step out of order: not the next one, skipped, already taken, or waiting for another.",
    "out_of_scope_date": "A date in the future, or before the date of what it answers (the step or record it follows).",
    "not_editable": "The record is no longer in a state that allows this (submitted, approved, archived, closed, …).",
    "duplicate": "The record already exists (a name or code in use, a person already on the list, done once already).",
    "file_rejected": "An upload refused by its content type, size, emptiness or count, or a missing file.",
    "missing_prerequisite": "Something this needs is not there yet (a team, a leader, on-site dates, evidence, …).",
    "limit_reached": "A limit on a count is reached (members of a role per team, levels of a tree, …).",
    "schedule_conflict": "The person is already on another team whose on-site period overlaps.",
    "number_order": "A date earlier than a 发文字号 already dated later in the same register and year.",
    "stale": "The record changed meanwhile (another user moved it on); refresh and retry.",
    "in_use": "The record is in use (it has children, or other records refer to it) and cannot be deleted.",
    "unknown_choice": "A value that is not one of the allowed choices (a kind, a role, a step, …).",
    "unknown_reference": "A referenced record does not exist, or does not belong to the record or scope in question.",
    "self_action": "A user may not do this to or for themself (review their own paper, assign themself, …).",
    "otp_invalid": "A second-factor code that is wrong, expired or used already.",
    "already_enrolled": "The account has set up its second factor already.",
    "not_enrolled": "The account has not set up a second factor.",
    "separation_of_duties": "三员分立 and incompatible duties: roles one account may not hold together, or act on.",
    "password_too_short": "The new password is too short.",
    "password_too_common": "The new password is too common.",
    "password_classes": "The new password must mix letters, digits and symbols.",
    "password_reused": "The new password was one of the recently used ones.",
}


# Django's own codes (a model's ``full_clean``, a form field) answered as registered ones; any
# other code not in ``ERROR_CODES`` answers ``invalid``, so a client meets only listed codes.
DJANGO_CODES = {"unique": "duplicate", "unique_together": "duplicate", "invalid_choice": "unknown_choice"}


def registered(code: str | None) -> str:
    """``code`` if it is registered, else what it stands for here (``invalid`` at the least)."""
    if code in ERROR_CODES:
        return code
    return DJANGO_CODES.get(code or "", DEFAULT_CODE)


def codes_of(errors: list[ValidationError]) -> list[str]:
    """The code of every message of ``errors`` (a field's list, or a ValidationError's ``error_list``)."""
    return [registered(sub.code) for err in errors for sub in err.error_list]


def error_codes(e: ValidationError) -> dict[str, list[str]]:
    """``{field: [code, …]}``, aligned with ``core.api.common.validation_messages``."""
    if hasattr(e, "error_dict"):
        return {k: codes_of(v) for k, v in e.error_dict.items()}
    return {"__all__": codes_of(e.error_list)}


def first_code(codes: dict[str, list[str]]) -> str:
    """The code of the first error (the top-level ``code`` of a 422 answer)."""
    for field_codes in codes.values():
        if field_codes:
            return field_codes[0]
    return DEFAULT_CODE


def error_codes_markdown() -> str:
    """The registry as a Markdown list, for the OpenAPI description."""
    lines = [
        "",
        "",
        "## Error codes",
        "",
        'Every error answer carries `{"detail": "…", "code": "…"}`; a 422 from a service adds'
        " `errors` (`{field: [message, …]}`) and `error_codes` (`{field: [code, …]}`, one per message)."
        " Match on the codes, not on the Chinese messages.",
        "",
    ]
    lines += [f"- `{code}`: {meaning}" for code, meaning in ERROR_CODES.items()]
    return "\n".join(lines) + "\n"
