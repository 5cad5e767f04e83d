from django.core.exceptions import ValidationError


def apply_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` next to the form's fields (or above the form)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
