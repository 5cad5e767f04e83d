"""Forms of a team: a member with their role, and the team's public contacts."""

from django import forms

from planning.models import Team, TeamMember
from planning.teams import CONTACT_FIELDS


class MemberForm(forms.Form):
    inspector = forms.ModelChoiceField(label="人员（人才库）", queryset=None, empty_label="请选择")
    role = forms.ChoiceField(label="组内职务", choices=TeamMember.Role.choices, initial=TeamMember.Role.MEMBER)
    decision_reason = forms.CharField(
        label="办公室决定理由",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="发现回避情形时，经巡察办研究同意方可加入，须填写理由",
    )
    duty = forms.CharField(
        label="任务分工",
        required=False,
        max_length=200,
        help_text="写入组长授权任职及任务分工的决定；不填则按职务写默认分工",
    )

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors


class ContactsForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = list(CONTACT_FIELDS)
