"""Forms of the feedback pages. They only parse input; the rules are the services'
(results.feedback)."""

from django import forms

from core.forms import DATE
from onsite.models import Exclusion

DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label="反馈日期",
        widget=DATE,
        error_messages={**DATE_ERRORS, "required": "请填写反馈日期。"},
        help_text="向被巡察党组织领导班子和主要负责人反馈的日期；整改方案和整改情况报告的期限由此起算",
    )


class ExclusionForm(forms.Form):
    excluded = forms.ChoiceField(
        label="公开范围",
        choices=[("", "予以公开"), *((v, f"不予公开：{label}") for v, label in Exclusion.choices)],
        required=False,
        error_messages={"invalid_choice": "不予公开的理由只能是涉密、正在查办或敏感事项。"},
    )


class AcknowledgeForm(forms.Form):
    acknowledged_on = forms.DateField(
        label="签收日期", widget=DATE, error_messages={**DATE_ERRORS, "required": "请填写签收日期。"}
    )
    acknowledged_name = forms.CharField(
        label="签收人（单位主要负责人）",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "签收反馈意见的主要负责人姓名", "autocomplete": "off"}),
        error_messages={
            "required": "请填写签收人（单位主要负责人）姓名。",
            "max_length": "签收人姓名不超过 50 字。",
        },
    )
