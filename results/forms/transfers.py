"""Forms of the leads and transfers pages; the services validate what matters."""

from django import forms
from django.utils import timezone

from core.forms import DATE
from results.models import Lead, Transfer
from results.transfers import STATUSES

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, error_messages=DATE_ERRORS, **kwargs)


class LeadForm(forms.Form):
    category = forms.ChoiceField(label="线索类别", choices=[("", "请选择"), *Lead.Category.choices])
    name = forms.CharField(label="被反映人姓名", max_length=50)
    post = forms.CharField(
        label="职务", max_length=100, required=False, widget=forms.TextInput(attrs={"placeholder": "例：副局长"})
    )
    details = forms.CharField(
        label="反映的主要问题",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "写明问题的主要事实、时间、涉及金额和线索来源"}),
    )
    finding = forms.ModelChoiceField(label="来源问题", queryset=None, required=False, empty_label="（不关联问题）")
    senior = forms.BooleanField(label="涉及领导干部", required=False)
    sealed = forms.BooleanField(
        label="封存",
        required=False,
        help_text="封存后，移交前仅巡察办主任可以查看；记录线索的组长此后也将看不到这条线索。只有涉及领导干部的线索可以封存。",
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = findings
        self.fields["finding"].label_from_instance = lambda f: f.title


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label="移交内容")
    receiver = forms.ModelChoiceField(label="接收单位", queryset=None, empty_label="请选择")
    leads = forms.MultipleChoiceField(label="问题线索", required=False, widget=CHECKBOXES)
    findings = forms.ModelMultipleChoiceField(label="问题", queryset=None, required=False, widget=CHECKBOXES)
    sent_on = _date("移交日期")

    def __init__(self, *args, kinds, receivers, lead_choices, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *[(k, Transfer.Kind(k).label) for k in kinds]]
        self.fields["receiver"].queryset = receivers
        self.fields["receiver"].label_from_instance = lambda r: f"{r.name}（{r.get_kind_display()}）"
        self.fields["leads"].choices = lead_choices
        self.fields["findings"].queryset = findings
        self.fields["findings"].label_from_instance = lambda f: f.title
        self.fields["sent_on"].initial = timezone.localdate()
        if not lead_choices:
            del self.fields["leads"]


class ReceiptForm(forms.Form):
    received_on = _date("签收日期", initial=timezone.localdate)
    received_name = forms.CharField(label="签收人", max_length=50)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=[("", "请选择"), *Transfer.Outcome.choices])
    detail = forms.CharField(
        label="办理情况",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "写明核查处理的经过和结果"}),
    )
    outcome_on = _date("反馈日期", initial=timezone.localdate)


class TransferFilterForm(forms.Form):
    receiver = forms.ModelChoiceField(label="接收单位", queryset=None, required=False, empty_label="全部")
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *STATUSES.items()])

    def __init__(self, *args, receivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receivers
