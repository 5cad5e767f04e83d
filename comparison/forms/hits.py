"""Forms of the hits' pages: confirming a hit to an inspection, dismissing it, and the filters
of a run's hits (the services validate again)."""

from __future__ import annotations

from typing import Any

from django import forms

from comparison.hits import NOTE_MAX, REASON_MAX, InspectionChoice
from comparison.models import Hit


class HitConfirmForm(forms.Form):
    inspection = forms.TypedChoiceField(label="移交巡察", coerce=int, empty_value=None)
    note = forms.CharField(
        label="移交说明",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写给巡察组的核实要点（可不填），随证据表一并移交。",
    )

    def __init__(self, *args: Any, inspections: list[InspectionChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspection"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "请选择巡察"), *((i.id, i.name) for i in inspections)]
        field.error_messages["required"] = "请选择移交的巡察。"
        field.error_messages["invalid_choice"] = "所选巡察不存在或已归档，请重新选择。"


class HitDismissForm(forms.Form):
    reason = forms.CharField(
        label="排除理由",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例：经核实为同名同生日的不同人员；已于某年某月停发。",
        error_messages={"required": "请填写排除理由"},
    )


class HitFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Hit.State.choices])
    match = forms.ChoiceField(label="匹配方式", required=False, choices=[("", "全部"), *Hit.Match.choices])
