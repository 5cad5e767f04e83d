from django import forms, template

from core import documents, pdf
from core.public_address import public_url_problem

register = template.Library()


@register.filter
def cn_date(day):
    """A date as documents write it (``core.documents.cn_date``: 2026年11月29日); blank for none."""
    return documents.cn_date(day) if day else ""


@register.filter
def x_widget(field):
    """Render a bound field with Bootstrap's classes and its error state."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput,)):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select,)):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.field.required:
        attrs["required"] = True
    return field.as_widget(attrs=attrs)


@register.filter
def x_widget_clean(field):
    """A widget with Bootstrap's classes and no error state (filters, re-rendered forms)."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return field.as_widget(attrs={"class": css})


@register.simple_tag
def public_url_warning():
    """The office's warning when the public reporting address is not set (``core.public_address``)."""
    return public_url_problem() or ""


@register.simple_tag
def pdf_available():
    """Whether documents are offered as PDF here (``core.pdf``): ``{% pdf_available as pdf %}``."""
    return pdf.pdf_available()
