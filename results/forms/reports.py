"""Forms of the report pages (the services validate again)."""

from __future__ import annotations

from django import forms

from core.forms import DATE
from results.models import InspectionReport, ReportDecision
from results.reports import RESULTS_USES

DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。", "required": "请填写会议日期。"}


class ReportEditForm(forms.Form):
    body = forms.CharField(
        label="报告正文",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 32}),
        error_messages={"required": "请填写报告正文。"},
        help_text="标题单独成行：一级标题以“一、”“二、”开头，二级标题以“（一）”“（二）”开头，其余为正文段落。",
    )
    special_body = forms.CharField(
        label="专题报告",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="反映领导干部问题线索的专题报告，仅本组组长和巡察办主任可见。",
    )
    ecology = forms.ChoiceField(
        label="政治生态", choices=[("", "请选择"), *InspectionReport.Ecology.choices], required=False
    )
    implementation = forms.ChoiceField(
        label="贯彻落实情况", choices=[("", "请选择"), *InspectionReport.Implementation.choices], required=False
    )
    note = forms.CharField(
        label="修改说明", max_length=200, required=False, help_text="简要写明本次改了什么，如“按组务会意见修改第三部分”"
    )

    def __init__(self, *args, special: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not special:
            del self.fields["special_body"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审议结论",
        choices=ReportDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审议结论：通过或退回修改。"},
    )
    decided_on = forms.DateField(label="会议日期", widget=DATE, error_messages=DATE_ERRORS)
    comments = forms.CharField(
        label="审议意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回修改的须写明意见，巡察组修改时可在报告旁看到。",
    )
    results_use = forms.MultipleChoiceField(
        label="成果运用",
        choices=list(RESULTS_USES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, last_step: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not last_step:
            del self.fields["results_use"]
