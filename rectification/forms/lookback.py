"""The look-back's verdict form. It only parses input; the rules are the service's
(rectification.lookback)."""

from django import forms

from rectification.lookback import NOTE_MAX
from rectification.models import LookbackCheck


class LookbackCheckForm(forms.Form):
    verdict = forms.ChoiceField(
        label="核查结论",
        choices=LookbackCheck.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择核查结论。",
            "invalid_choice": "核查结论只能是真改实改、表面整改或未整改。",
        },
    )
    note = forms.CharField(
        label="核查情况",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="认定为表面整改或未整改的必填，将作为回头看新发现问题的具体表现",
        error_messages={"max_length": f"核查情况不能超过 {NOTE_MAX} 字。"},
    )
