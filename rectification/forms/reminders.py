"""Forms of the reminder pages. They only parse input; the rules are the services'
(rectification.reminders)."""

from django import forms

from rectification.models import Reminder


def _days(label: str, help_text: str, *, limit: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 1, "max": limit}),
        error_messages={"required": f"请填写{label}。", "invalid": "须为整数。"},
    )


class ReminderSettingsForm(forms.Form):
    remind_days_before = _days("到期前几天提醒", "完成时限前多少天发出提醒，1 到 30 天", limit=30)
    supervise_days_after = _days("逾期几天督办", "超过完成时限多少天督办并制发督办通知书，1 到 365 天", limit=365)
    warn_days_after = _days("逾期几天告诫", "须大于督办天数；告诫时制发告诫通知书", limit=365)
    account_days_after = _days("逾期几天问责", "须大于告诫天数；问责时制发问责建议书", limit=365)


class ReminderFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Reminder.Kind.choices])
    state = forms.ChoiceField(
        label="任务状态", required=False, choices=[("", "全部"), ("open", "未销号"), ("closed", "已销号")]
    )
