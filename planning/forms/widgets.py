"""A select whose options carry a note (why a person or an organisation is set apart), kept out
of the option's label so the label stays the plain name (what a user types to search)."""

from django import forms


class NotedSelect(forms.Select):
    """``notes`` maps an option's value (as text) to a note, given as the option's ``title`` and
    ``data-note``. Marked ``data-searchable`` for the searchable widget."""

    def __init__(self, attrs=None, notes=None):
        super().__init__({"data-searchable": "", **(attrs or {})})
        self.notes: dict[str, str] = notes or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if note := self.notes.get(str(value)):
            option["attrs"] = {**option["attrs"], "title": note, "data-note": note}
        return option
