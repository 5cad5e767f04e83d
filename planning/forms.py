from django import forms

from planning.models import Inspection, InspectionKind, Round
from registry.forms import DATE


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["kind", "entry_on", "onsite_end_on"]
        widgets = {"entry_on": DATE, "onsite_end_on": DATE}


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["organization", "kind", "repeat_reason"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = "请选择"
        self.fields["kind"].initial = InspectionKind.REGULAR

    def validate_unique(self):
        """The service checks the term's rules."""
