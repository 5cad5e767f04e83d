"""Forms of the ledger: its filter bar and the upload of a filled-in ledger."""

from django import forms
from django.conf import settings

from planning.models import Round
from rectification.ledger import LedgerFilter
from rectification.models import RectificationTask
from registry.models import Organization


class LedgerFilterForm(forms.Form):
    round = forms.ModelChoiceField(label="巡察轮次", queryset=Round.objects.none(), required=False, empty_label="全部")
    organization = forms.ModelChoiceField(
        label="被巡察单位", queryset=Organization.objects.none(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RectificationTask.Status.choices])
    phase = forms.ChoiceField(
        label="整改阶段", required=False, choices=[("", "全部"), *RectificationTask.Phase.choices]
    )
    office = forms.ChoiceField(label="责任部门", required=False)
    overdue = forms.BooleanField(label="仅看逾期", required=False)
    q = forms.CharField(label="关键词", required=False, max_length=100)

    def __init__(self, *args, tasks, **kwargs):
        """``tasks``: the tasks the user may see; the choices come from them."""
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.filter(
            pk__in=tasks.values("plan__inspection__round_id")
        ).select_related("term")
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=tasks.values("plan__inspection__organization_id")
        ).order_by("name")
        offices = sorted(set(tasks.order_by().values_list("responsible_office", flat=True)))
        self.fields["office"].choices = [("", "全部"), *((o, o) for o in offices)]
        self.fields["q"].widget.attrs["placeholder"] = "问题、措施、进展、责任人"

    def filters(self) -> LedgerFilter:
        """The filter the form describes (an invalid form filters nothing)."""
        if not self.is_bound or not self.is_valid():
            return LedgerFilter()
        d = self.cleaned_data
        return LedgerFilter(
            round_id=d["round"].pk if d["round"] else None,
            organization_id=d["organization"].pk if d["organization"] else None,
            status=d["status"],
            phase=d["phase"],
            overdue=bool(d["overdue"]),
            office=d["office"],
            search=d["q"].strip(),
        )


class LedgerImportForm(forms.Form):
    file = forms.FileField(
        label="整改台账（Excel 文件）",
        help_text="请使用本方案导出的整改台账（.xlsx），填写“整改进展”和“申请销号”两列后上传。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要上传的整改台账。", "empty": "上传的文件是空的。"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只能上传 .xlsx 格式的 Excel 文件，请使用导出的整改台账填写。")
        limit = settings.XUNCHA["IMPORT_MAX_BYTES"]
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大：不能超过 {limit // (1024 * 1024)} MB。")
        return upload
