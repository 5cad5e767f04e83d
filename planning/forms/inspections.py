"""Forms of terms, rounds, inspections and the office's settings (deadlines, documents)."""

from django import forms
from django.core.exceptions import ValidationError

from core.forms import DATE
from planning.documents import doc_number_format_errors
from planning.models import DeadlineSettings, DocumentSettings, Inspection, InspectionKind, Round
from planning.stages import SETTING_FIELDS


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["kind", "entry_on", "onsite_end_on"]
        widgets = {"entry_on": DATE, "onsite_end_on": DATE}


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["organization", "kind", "theme", "revisits", "repeat_reason"]

    def __init__(self, *args, organizations, earlier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = "请选择"
        self.fields["revisits"].queryset = earlier if earlier is not None else Inspection.objects.none()
        self.fields["revisits"].empty_label = "（不是“回头看”则不选）"
        self.fields["revisits"].label_from_instance = lambda i: (
            f"{i.organization.name}（{i.round.term.name}第{i.round.number}轮）"
        )
        self.fields["kind"].initial = InspectionKind.REGULAR

    def validate_unique(self):
        """The service checks the term's rules."""


class DocumentSettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = ["county_name", "abbreviation", "doc_number_format"]

    def clean_doc_number_format(self):
        value = self.cleaned_data["doc_number_format"]
        if errors := doc_number_format_errors(value):
            raise ValidationError(errors)
        return value


class DeadlineSettingsForm(forms.ModelForm):
    class Meta:
        model = DeadlineSettings
        fields = list(SETTING_FIELDS)
