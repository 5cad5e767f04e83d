"""Forms of a team: a member with their role, and the team's public contacts."""

from django import forms

from planning.forms.widgets import NotedSelect
from planning.models import Team, TeamMember
from planning.teams import CONTACT_FIELDS


class MemberForm(forms.Form):
    inspector = forms.ModelChoiceField(
        label="人员（人才库）", queryset=None, empty_label="请选择", widget=NotedSelect()
    )
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

    def __init__(self, *args, inspectors, candidates=None, **kwargs):
        """``candidates`` (``planning.teams.Candidates``) narrows what the choice offers: those
        free to join, then, set apart with their reasons, those with a conflict (the office may
        still add them with a decision); those refused outright are not offered. The queryset
        stays the whole pool, so a refused person posted anyway gets the service's own message."""
        super().__init__(*args, **kwargs)
        field = self.fields["inspector"]
        field.queryset = inspectors
        if candidates is not None:
            choices: list = [("", "请选择")]
            choices += [(p.pk, p.name) for p in candidates.eligible]
            if candidates.conflicted:
                group = [(p.pk, p.name) for p, _ in candidates.conflicted]
                choices.append(("存在回避情形（须经巡察办研究，填写决定理由后方可加入）", group))
                field.widget.notes = {
                    str(p.pk): "回避情形：" + "；".join(c.reason for c in conflicts)
                    for p, conflicts in candidates.conflicted
                }
            field.choices = choices


class ContactsForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = list(CONTACT_FIELDS)
