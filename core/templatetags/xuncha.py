from django import forms, template

register = template.Library()


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
