"""Forms of the leads and transfers pages; the services validate what matters."""

from django import forms
from django.utils import timezone

from core.forms import DATE
from results.models import Lead, Transfer
from results.transfers import RECEIVER_KIND, STATUSES

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


class _Marked:
    """A choice widget whose options carry data attributes, by the option's value
    (``marks[str(value)]``): the marks ``static/js/xuncha.js`` reads to withdraw choices that
    depend on another field (``data-show-if``, ``data-hide-if``)."""

    marks: dict[str, dict[str, str]]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)  # type: ignore[misc]
        key = str(getattr(value, "value", value))
        option["attrs"] = {**option["attrs"], **self.marks.get(key, {})}
        return option


class MarkedSelect(_Marked, forms.Select):
    pass


class MarkedCheckboxes(_Marked, forms.CheckboxSelectMultiple):
    pass


def _rule(field: str, values) -> str:
    return f"{field}:{','.join(str(v) for v in values)}"


class TransferForm(forms.Form):
    """A new transfer. Each receiver, lead and finding is marked with the transfer kinds it
    belongs to (and a finding with the receivers it already went to), so the page offers only
    what ``results.transfers.transfer_create`` accepts for the kind and receiver chosen."""

    kind = forms.ChoiceField(label="移交内容")
    receiver = forms.ModelChoiceField(label="接收单位", queryset=None, empty_label="请选择", widget=MarkedSelect)
    leads = forms.MultipleChoiceField(
        label="问题线索", required=False, widget=MarkedCheckboxes(attrs={"class": "form-check-input"})
    )
    findings = forms.ModelMultipleChoiceField(
        label="问题", queryset=None, required=False, widget=MarkedCheckboxes(attrs={"class": "form-check-input"})
    )
    sent_on = _date("移交日期")

    def __init__(self, *args, kinds, receivers, lead_choices, findings, lead_kinds=None, sent_to=None, **kwargs):
        """``lead_kinds``: {lead id: the transfer kind of its category}; ``sent_to``: {finding
        id: ids of the receivers it was already transferred to}."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *[(k, Transfer.Kind(k).label) for k in kinds]]
        self.fields["receiver"].queryset = receivers
        self.fields["receiver"].label_from_instance = lambda r: f"{r.name}（{r.get_kind_display()}）"
        self.fields["receiver"].widget.marks = {
            str(r.pk): {"data-show-if": _rule("kind", [k for k, rk in RECEIVER_KIND.items() if rk == r.kind])}
            for r in receivers
        }
        self.fields["leads"].choices = lead_choices
        self.fields["leads"].widget.marks = {
            str(pk): {"data-show-if": _rule("kind", [kind])} for pk, kind in (lead_kinds or {}).items()
        }
        self.fields["findings"].queryset = findings
        self.fields["findings"].label_from_instance = lambda f: f.title
        self.fields["findings"].widget.marks = {
            str(pk): {"data-hide-if": _rule("receiver", ids)} for pk, ids in (sent_to or {}).items() if ids
        }
        self.fields["sent_on"].initial = timezone.localdate()
        if not lead_choices:
            del self.fields["leads"]
        # Findings never go with 问题线索 to the discipline commission.
        self.findings_show_if = _rule("kind", [k for k in kinds if k != Transfer.Kind.LEADS])


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
