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


def _earlier_label(i: Inspection) -> str:
    return f"{i.organization.name}（{i.round.term.name}第{i.round.number}轮）"
