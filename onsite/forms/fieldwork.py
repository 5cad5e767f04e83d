"""Forms of the fieldwork pages: talks, document requests and surveys. They only parse
input; the rules are the services' (onsite.interviews, onsite.document_requests, onsite.surveys)."""

from django import forms

from core.forms import DATE
from onsite.models import DocumentRequest, Interview, Survey

DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}

DATETIME = forms.DateTimeInput(
    format="%Y-%m-%d %H:%M", attrs={"placeholder": "例：2025-09-30 09:30", "autocomplete": "off"}
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (``<input type=file multiple>``); a list, maybe empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class InterviewPlanForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["category", "interviewee", "post", "planned_on"]
        widgets = {"planned_on": DATE}
        error_messages = {"planned_on": DATE_ERRORS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择"), *Interview.Category.choices]


class InterviewRecordForm(forms.Form):
    held_at = forms.DateTimeField(
        label="谈话时间",
        widget=DATETIME,
        error_messages={
            "invalid": "不是有效的时间，请按 2025-09-30 09:30 的格式填写。",
            "required": "请填写谈话时间。",
        },
    )
    place = forms.CharField(label="地点", max_length=100, required=False)
    interviewers = forms.ModelMultipleChoiceField(
        label="谈话人",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="至少 2 名巡察组成员",
    )
    notes = forms.CharField(label="谈话记录", widget=forms.Textarea(attrs={"rows": 10}), required=False)
    uploads = MultipleFileField(label="谈话记录附件")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = members
        self.fields["interviewers"].label_from_instance = lambda m: f"{m.inspector.name}（{m.get_role_display()}）"


class DocumentRequestForm(forms.ModelForm):
    class Meta:
        model = DocumentRequest
        fields = ["title", "requested_on", "due_on", "note"]
        widgets = {"requested_on": DATE, "due_on": DATE}
        error_messages = {"requested_on": DATE_ERRORS, "due_on": DATE_ERRORS}

    def validate_unique(self):
        """The service checks the list for the same title."""


class DocumentRequestBulkForm(forms.Form):
    titles = forms.CharField(
        label="资料名称（每行一项）",
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2024年度党组会议记录\n2024年度财务凭证\n…"}),
        required=False,
    )
    requested_on = forms.DateField(label="调阅日期", widget=DATE, error_messages=DATE_ERRORS)
    due_on = forms.DateField(label="要求提供日期", widget=DATE, required=False, error_messages=DATE_ERRORS)


class DocumentRequestUpdateForm(forms.ModelForm):
    uploads = MultipleFileField(label="添加附件")

    class Meta:
        model = DocumentRequest
        fields = ["title", "requested_on", "due_on", "note"]
        widgets = {"requested_on": DATE, "due_on": DATE}
        error_messages = {"requested_on": DATE_ERRORS, "due_on": DATE_ERRORS}


class DateForm(forms.Form):
    """The date of receipt or review; today if left empty."""

    on = forms.DateField(label="日期", widget=DATE, required=False, error_messages=DATE_ERRORS)


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["kind", "title", "held_on", "handed_out", "returned"]
        widgets = {"held_on": DATE}
        error_messages = {"held_on": DATE_ERRORS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *Survey.Kind.choices]
        self.fields["returned"].required = False


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label="统计结果文件（.xlsx）",
        error_messages={"required": "请选择要导入的 Excel 文件。"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
