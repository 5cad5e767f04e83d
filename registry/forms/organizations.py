from django import forms

from core.forms import DATE
from registry.models import Organization, OrganizationKind


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["code", "name", "kind", "parent", "status", "established_on", "ended_on", "merged_into", "note"]
        widgets = {"established_on": DATE, "ended_on": DATE}

    def __init__(self, *args, authority, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = OrganizationKind.objects.filter(authority=authority)
        same = visible.filter(authority=authority)
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = same
        self.fields["merged_into"].queryset = same
        self.fields["parent"].help_text = "村(社区)党组织选择所属乡镇(街道)党委"
        self.fields["ended_on"].help_text = "状态为已合并或已撤销时填写"
        for name in ("kind", "parent", "merged_into"):
            self.fields[name].empty_label = "请选择"

    def validate_unique(self):
        """Uniqueness is the service's to check (with the authority)."""


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text="请使用下载的模板（.xlsx），填写后上传。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要上传的 Excel 文件。", "empty": "上传的文件是空的。"},
    )


class KindForm(forms.Form):
    name = forms.CharField(label="类别名称", max_length=40)
    is_village = forms.BooleanField(label="属于村(社区)类", required=False)


# What a mistyped date answers, as the API answers it.
DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}


class LeaderForm(forms.Form):
    """A tenure: who held which post, from when, until when (empty while in post)."""

    name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="职务", max_length=60, widget=forms.TextInput(attrs={"placeholder": "例：党委书记"}))
    start_on = forms.DateField(label="任职起", widget=DATE, error_messages=DATE_ERRORS)
    end_on = forms.DateField(
        label="任职止", required=False, widget=DATE, help_text="仍在任的不填", error_messages=DATE_ERRORS
    )


class LeaderEndForm(forms.Form):
    end_on = forms.DateField(label="离任日期", widget=DATE, error_messages=DATE_ERRORS)
