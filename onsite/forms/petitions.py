"""Forms of the petitions pages and the public reporting page. They only shape input; the
services (onsite.petitions) decide, and their errors come back onto the fields."""

from django import forms
from django.utils import timezone

from core.files import CONTENT_TYPES
from core.forms import DATE
from onsite.models import Petition
from onsite.petitions import STAFF_CHANNELS, discipline_choices, focus_choices

DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}
ACCEPT = ",".join(f".{k}" for k in CONTENT_TYPES) + "," + ",".join(CONTENT_TYPES.values())
YES_NO = [("1", "匿名反映"), ("0", "实名反映")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (the services check each one's type and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items if d]


def _bool(value) -> bool:
    return value in (True, "1", "true", "on")


class IdentityFields(forms.Form):
    anonymous = forms.TypedChoiceField(
        label="是否匿名", choices=YES_NO, coerce=_bool, initial="1", widget=forms.RadioSelect
    )
    name = forms.CharField(label="姓名", required=False, max_length=50)
    phone = forms.CharField(label="联系电话", required=False, max_length=20)
    id_number = forms.CharField(label="身份证号", required=False, max_length=20)
    address = forms.CharField(label="联系地址", required=False, max_length=200)


class PetitionForm(IdentityFields):
    channel = forms.ChoiceField(label="来源", choices=[("", "请选择")] + [(c.value, c.label) for c in STAFF_CHANNELS])
    received_on = forms.DateField(label="收到日期", widget=DATE, error_messages=DATE_ERRORS)
    subject = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 8}))
    accused = forms.CharField(label="被反映人", required=False, max_length=200, help_text="姓名及职务，可填多人")
    attachments = MultipleFileField(label="附件", help_text="可选多个文件：PDF、Word、Excel、图片、音频或视频")

    field_order = ["channel", "received_on", "subject", "content", "accused", "anonymous"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class TriageForm(forms.Form):
    status = forms.ChoiceField(
        label="分办结果",
        choices=[(s.value, s.label) for s in Petition.Status if s != Petition.Status.NEW],
        widget=forms.RadioSelect,
    )
    disciplines = forms.ModelMultipleChoiceField(
        label="涉及纪律", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    focus_area = forms.ModelChoiceField(label="监督重点", queryset=None, required=False, empty_label="请选择")
    forwarded_to = forms.CharField(label="转办单位", required=False, max_length=100)
    forwarded_on = forms.DateField(label="转办日期", required=False, widget=DATE, error_messages=DATE_ERRORS)
    duplicate_of = forms.ModelChoiceField(label="重复于", queryset=None, required=False, empty_label="请选择")

    def __init__(self, *args, petition: Petition, **kwargs):
        if not args and not kwargs.get("data"):
            kwargs.setdefault(
                "initial",
                {
                    "status": petition.status if petition.status != Petition.Status.NEW else None,
                    "disciplines": list(petition.disciplines.all()),
                    "focus_area": petition.focus_area_id,
                    "forwarded_to": petition.forwarded_to,
                    "forwarded_on": petition.forwarded_on,
                    "duplicate_of": petition.duplicate_of_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["disciplines"].queryset = discipline_choices(petition.authority_id)
        self.fields["focus_area"].queryset = focus_choices(petition.authority_id)
        self.fields["focus_area"].label_from_instance = lambda a: f"{a.parent.name if a.parent else ''}：{a.name}"
        self.fields["duplicate_of"].queryset = Petition.objects.filter(inspection_id=petition.inspection_id).exclude(
            pk=petition.pk
        )
        self.fields["duplicate_of"].label_from_instance = lambda p: f"{p.received_on:%Y-%m-%d} {p.subject}"


class MessageForm(forms.Form):
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label="附件")


class IntakeForm(forms.Form):
    user = forms.ModelChoiceField(label="巡察组成员", queryset=None, empty_label="请选择")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"


class PublicReportForm(IdentityFields):
    subject = forms.CharField(label="标题", max_length=200, help_text="一句话概括所反映的问题")
    content = forms.CharField(
        label="反映内容",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="请写明被反映人、主要事实（时间、地点、经过）和可以核实的线索",
    )
    accused = forms.CharField(label="被反映人", required=False, max_length=200, help_text="姓名及职务（可不填）")
    attachments = MultipleFileField(label="证据材料", help_text="可选，最多 10 个：PDF、Word、Excel、图片、音频或视频")

    field_order = ["subject", "content", "accused", "attachments", "anonymous"]


class ReceiptForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=64, error_messages={"required": "请输入查询码。"})


class FollowUpForm(forms.Form):
    body = forms.CharField(
        label="补充内容", widget=forms.Textarea(attrs={"rows": 5}), error_messages={"required": "请填写补充内容。"}
    )
    attachments = MultipleFileField(label="补充材料")
