"""Forms of terms, rounds, inspections and the office's settings (deadlines, documents)."""

from django import forms

from core.forms import DATE
from planning.documents import REGISTER_FIELDS, doc_number_format_errors
from planning.forms.widgets import NotedSelect
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
        widgets = {"organization": NotedSelect(), "revisits": NotedSelect()}

    def __init__(self, *args, organizations, earlier=None, round=None, **kwargs):
        """With ``round``, the organisation choice leaves out those already listed in it and
        marks those inspected earlier in the term (a repeat needs a look-back, a special
        inspection or a reason); the queryset stays whole, so the service answers a posted one."""
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = organizations
        field.empty_label = "请选择"
        self.listed_count = 0
        if round is not None:
            listed = set(Inspection.objects.filter(round=round).values_list("organization_id", flat=True))
            rounds: dict[int, list[int]] = {}
            for org_id, number in (
                Inspection.objects.filter(round__term_id=round.term_id)
                .exclude(round=round)
                .order_by("round__number")
                .values_list("organization_id", "round__number")
            ):
                rounds.setdefault(org_id, []).append(number)
            fresh, again = [], []
            for org in organizations:
                if org.pk in listed:
                    self.listed_count += 1
                else:
                    (again if org.pk in rounds else fresh).append((org.pk, org.name))
            choices: list = [("", "请选择"), *fresh]
            if again:
                choices.append(("本届已巡察（再次列入须为回头看、专项巡察或填写理由）", again))
                field.widget.notes = {
                    str(pk): f"本届已在{'、'.join(f'第{n}轮' for n in rounds[pk])}巡察" for pk, _ in again
                }
            field.choices = choices
            if self.listed_count:
                field.help_text = f"本轮已列入的 {self.listed_count} 个单位不再列出"
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
        fields = ["county_name", "abbreviation", *REGISTER_FIELDS.values()]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in REGISTER_FIELDS.values():
            self.fields[name].required = False  # blank: the default, derived from the abbreviation

    def clean(self):
        data = super().clean()
        for register, name in REGISTER_FIELDS.items():
            if (value := (data.get(name) or "").strip()) and (errors := doc_number_format_errors(value, register)):
                self.add_error(name, errors)
        return data


class DeadlineSettingsForm(forms.ModelForm):
    class Meta:
        model = DeadlineSettings
        fields = list(SETTING_FIELDS)
