"""Forms of the task pages. They only parse input; the rules are the services'
(rectification.tasks)."""

from django import forms

from core.forms import DATE
from rectification.models import RectificationTask
from rectification.tasks import LEADER_MAX, MEASURE_MAX, OFFICE_MAX, PROGRESS_MAX

DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}


class TaskForm(forms.Form):
    finding = forms.ModelChoiceField(
        label="问题",
        queryset=None,
        empty_label="请选择",
        error_messages={
            "required": "请选择本次巡察反馈的问题。",
            "invalid_choice": "请选择本次巡察反馈的问题。",
        },
    )
    measure = forms.CharField(
        label="整改措施",
        max_length=MEASURE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "针对问题的具体措施，可检查、可考核"}),
        error_messages={"required": "请填写整改措施。", "max_length": f"整改措施不能超过 {MEASURE_MAX} 字。"},
    )
    deadline = forms.DateField(
        label="完成时限",
        widget=DATE,
        error_messages={**DATE_ERRORS, "required": "请填写完成时限。"},
    )
    responsible_leader = forms.CharField(
        label="责任领导",
        max_length=LEADER_MAX,
        widget=forms.TextInput(attrs={"placeholder": "例：王书记"}),
        error_messages={"required": "请填写责任领导。", "max_length": f"责任领导不能超过 {LEADER_MAX} 字。"},
    )
    responsible_office = forms.CharField(
        label="责任部门",
        max_length=OFFICE_MAX,
        widget=forms.TextInput(attrs={"placeholder": "例：办公室"}),
        error_messages={"required": "请填写责任部门。", "max_length": f"责任部门不能超过 {OFFICE_MAX} 字。"},
    )
    phase = forms.ChoiceField(
        label="整改阶段",
        choices=RectificationTask.Phase.choices,
        initial=RectificationTask.Phase.CONCENTRATED,
        error_messages={"invalid_choice": "整改阶段只能是集中整改或持续整改。", "required": "请选择整改阶段。"},
        help_text="集中整改：反馈后限期完成；持续整改：需长期坚持、分步推进",
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = findings
        self.fields["finding"].label_from_instance = lambda f: f.title


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    text = forms.CharField(
        label="整改进展",
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "已采取的措施、取得的成效；申请销号的写明完成情况"}),
        error_messages={"required": "请填写整改进展。", "max_length": f"整改进展不能超过 {PROGRESS_MAX} 字。"},
    )
    completed = forms.BooleanField(
        label="申请销号", required=False, help_text="该项整改已完成，请巡察办核验佐证材料后销号；须附佐证材料"
    )
    files = MultipleFileField(
        label="佐证材料",
        required=False,
        error_messages={"invalid": "上传的文件无效，请重新选择。", "empty": "上传的文件是空文件。"},
    )


class VerifyForm(forms.Form):
    reason = forms.CharField(
        label="核验意见",
        required=False,
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "可不填，如“佐证材料齐全，整改到位”"}),
        error_messages={"max_length": f"核验意见不能超过 {PROGRESS_MAX} 字。"},
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "写明佐证材料哪里不足、还需补充什么"}),
        error_messages={"required": "退回须写明理由。", "max_length": f"退回理由不能超过 {PROGRESS_MAX} 字。"},
    )
