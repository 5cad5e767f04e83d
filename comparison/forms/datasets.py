"""Forms of data comparison's pages: the upload of a dataset, its column mapping, and the
start of a run (a rule, then a dataset for each of its roles)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from comparison.fields import FIELDS

NOT_USED = ("", "（不使用）")
FIELD_CHOICES = [NOT_USED, *((f.key, f.label) for f in FIELDS)]


class DatasetUploadForm(forms.Form):
    source = forms.CharField(
        label="数据来源",
        max_length=100,
        help_text="同一来源的文件依次成为新版本，并沿用上次确认的列对应关系。",
        widget=forms.TextInput(attrs={"placeholder": "例：县民政局低保名单", "list": "sources", "autocomplete": "off"}),
    )
    department = forms.CharField(
        label="提供部门", max_length=100, required=False, widget=forms.TextInput(attrs={"placeholder": "例：县民政局"})
    )
    file = forms.FileField(
        label="数据文件",
        help_text="CSV（UTF-8、GBK 或 GB18030 编码，自动识别）、Excel（.xlsx）或 Parquet，不超过 "
        f"{settings.XUNCHA['DATASET_MAX_BYTES'] // (1024 * 1024)} MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.parquet"}),
    )


class MappingForm(forms.Form):
    """One select per column of the file (``col_<i>``, labelled with the header), the source,
    and the pending upload's token."""

    token = forms.CharField(widget=forms.HiddenInput)
    source = forms.CharField(label="数据来源", max_length=100)
    department = forms.CharField(label="提供部门", max_length=100, required=False)

    def __init__(self, *args: Any, headers: list[str], mapping: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        for i, header in enumerate(headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header, choices=FIELD_CHOICES, required=False, initial=(mapping or {}).get(header, "")
            )

    def columns(self) -> list[forms.BoundField]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def mapping(self) -> dict[str, str]:
        """Header → field key of the columns used (call after ``is_valid``)."""
        data = self.cleaned_data
        return {h: data[f"col_{i}"] for i, h in enumerate(self.headers) if data.get(f"col_{i}")}


class RuleChoiceForm(forms.Form):
    rule = forms.ChoiceField(label="比对规则")

    def __init__(self, *args: Any, rules: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "请选择"), *((r.key, f"{r.name}（第{r.version}版）") for r in rules)]


class RunStartForm(forms.Form):
    """A dataset for each role of the chosen rule (``role_<key>``)."""

    rule = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rule: Any, datasets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = list(rule.roles.items())
        for role, spec in self.roles:
            self.fields[f"role_{role}"] = forms.ModelChoiceField(
                label=spec.get("label") or role, queryset=datasets, empty_label="请选择数据集"
            )

    def chosen(self) -> dict[str, Any]:
        return {role: self.cleaned_data[f"role_{role}"] for role, _ in self.roles}
