"""Forms of the plan pages. They only parse input; the rules are the services'
(rectification.plans)."""

from django import forms
from django.utils import timezone

from core.forms import DATE
from rectification.models import PlanReview
from rectification.plans import NAME_MAX, SUMMARY_MAX

DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}


def _text(label: str, limit: int, *, rows: int = 4, required: bool = False, placeholder: str = "", **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows, "placeholder": placeholder}),
        error_messages={"required": f"请填写{label}。", "max_length": f"{label}不能超过 {limit} 字。"},
        **kwargs,
    )


class SummaryForm(forms.Form):
    summary = _text(
        "整改工作安排",
        SUMMARY_MAX,
        rows=5,
        placeholder="整改工作的总体安排：组织领导、工作步骤、时间节点",
    )
    head_name = forms.CharField(
        label="单位主要负责人",
        max_length=NAME_MAX,
        required=False,
        error_messages={"max_length": f"单位主要负责人姓名不能超过 {NAME_MAX} 字。"},
        help_text="整改第一责任人",
    )


# The reviewers whose opinions the office records, as form fields ("opinion_<value>").
OPINION_FIELDS = [(f"opinion_{value}", value, label) for value, label in PlanReview.Reviewer.choices]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论",
        choices=PlanReview.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择审核结论：同意或退回修改。",
            "invalid_choice": "请选择审核结论：同意或退回修改。",
        },
    )
    decided_on = forms.DateField(
        label="审核会议日期",
        widget=DATE,
        error_messages={**DATE_ERRORS, "required": "请填写审核会议日期。"},
        help_text="巡察办会同各联审单位审核整改方案的日期",
    )
    comments = _text(
        "审核意见", SUMMARY_MAX, placeholder="退回修改须写明意见，如“第二项问题的整改措施不够具体，请细化”"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        for name, _value, label in OPINION_FIELDS:
            self.fields[name] = _text(f"{label}意见", 1000, rows=2)

    def opinions(self) -> dict:
        return {value: self.cleaned_data.get(name, "") for name, value, _label in OPINION_FIELDS}

    def opinion_fields(self):
        return [self[name] for name, _value, _label in OPINION_FIELDS]


class HeadReportForm(forms.Form):
    head_name = forms.CharField(
        label="单位主要负责人",
        max_length=NAME_MAX,
        error_messages={
            "required": "请填写单位主要负责人姓名。",
            "max_length": f"单位主要负责人姓名不能超过 {NAME_MAX} 字。",
        },
    )
    head_report = _text(
        "主要负责人组织落实整改情况",
        SUMMARY_MAX,
        rows=6,
        placeholder="主要负责人如何履行整改第一责任人职责：召开专题会议、研究部署、督促落实、亲自推动解决的问题",
        help_text="写入整改情况报告",
    )
