"""Forms of the working papers, findings and focus-area pages (the services validate again)."""

from __future__ import annotations

from django import forms

from core.forms import DATE
from onsite.models import Finding, FocusArea
from onsite.papers import evidence_choices

CHECK = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _talk(i) -> str:
    when = f"{i.held_at:%Y-%m-%d}谈话" if i.held_at else "尚未谈话"
    post = f"，{i.post}" if i.post else ""
    return f"{i.interviewee}（{i.get_category_display()}{post}，{when}）"


def _petition(p) -> str:
    return f"{p.subject}（{p.get_channel_display()}，{p.received_on:%Y-%m-%d}，{p.get_status_display()}）"


def _document(d) -> str:
    got = f"{d.received_on:%Y-%m-%d}收到" if d.received_on else "尚未收到"
    return f"{d.title}（{d.requested_on:%Y-%m-%d}调阅，{got}）"


def _attachment(a) -> str:
    size = f"{a.size / 1024 / 1024:.1f} MB" if a.size >= 1024 * 1024 else f"{max(1, a.size // 1024)} KB"
    return f"{a.name}（{a.get_kind_display()}，{size}）"


LABELS = {"interviews": _talk, "petitions": _petition, "document_requests": _document, "attachments": _attachment}


class WorkingPaperForm(forms.Form):
    title = forms.CharField(label="问题概述", max_length=200, help_text="用一句话写明发现的问题，如“违规发放津补贴”")
    facts = forms.CharField(
        label="事实", widget=forms.Textarea(attrs={"rows": 6}), help_text="查实的事实：时间、地点、人员、经过、数额"
    )
    rule = forms.CharField(
        label="违反的规定",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明违反的党规党纪、法律法规或制度的名称和条款",
    )
    interviews = forms.ModelMultipleChoiceField(label="谈话", queryset=None, required=False, widget=CHECK)
    petitions = forms.ModelMultipleChoiceField(label="信访举报", queryset=None, required=False, widget=CHECK)
    document_requests = forms.ModelMultipleChoiceField(label="调阅资料", queryset=None, required=False, widget=CHECK)
    attachments = forms.ModelMultipleChoiceField(label="已上传的附件", queryset=None, required=False, widget=CHECK)
    upload = forms.FileField(
        label="上传证据材料",
        required=False,
        help_text="PDF、Word、Excel、JPG、PNG、MP3、MP4，按文件内容识别类型",
    )

    EVIDENCE = ("interviews", "petitions", "document_requests", "attachments")

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        for field, qs in evidence_choices(inspection).items():
            self.fields[field].queryset = qs
            self.fields[field].label_from_instance = LABELS[field]
            self.fields[field].error_messages["invalid_choice"] = "所选记录不属于本次巡察，不能作为证据。"

    def evidence_fields(self):
        return [self[f] for f in self.EVIDENCE]


class FindingForm(forms.Form):
    """What the reviewer fills in when approving a paper: the finding."""

    title = forms.CharField(label="问题", max_length=200, required=False, help_text="不填则用底稿的问题概述")
    description = forms.CharField(
        label="具体表现", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="不填则用底稿的事实"
    )
    focus_area = forms.TypedChoiceField(label="监督重点", coerce=int, empty_value=None)
    severity = forms.ChoiceField(label="严重程度", choices=Finding.Severity.choices, initial=Finding.Severity.GENERAL)
    people = forms.CharField(label="涉及人员", max_length=300, required=False)
    amount = forms.CharField(
        label="涉及金额（元）", required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    immediate = forms.BooleanField(
        label="立行立改",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text="被巡察单位能够立即整改的问题",
    )
    immediate_deadline = forms.DateField(
        label="立行立改期限",
        required=False,
        widget=DATE,
        error_messages={"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"},
    )
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, leaves, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["focus_area"]
        field.choices = [("", "请选择“四个聚焦”下的末级事项"), *[(group, items) for group, items in leaves]]
        field.error_messages["required"] = "请选择监督重点（“四个聚焦”下的末级事项）。"
        field.error_messages["invalid_choice"] = "所选监督重点不是现行版本的末级事项，请重新选择。"


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明退回意见，告诉撰写人需要补充或修改什么。"},
    )


class FocusAreaForm(forms.Form):
    name = forms.CharField(label="名称", max_length=120, error_messages={"required": "请填写名称。"})
    group = forms.ChoiceField(label="类别", choices=FocusArea.Group.choices, required=False)
