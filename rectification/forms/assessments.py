"""Forms of the assessment and criteria pages. They only parse input; the rules are the
services' (rectification.assessments)."""

from decimal import Decimal

from django import forms

from core.forms import DATE
from rectification.models import Grade

DATE_ERRORS = {"invalid": "不是有效日期，请按 2025-09-30 的格式填写。"}


def score_field(criterion) -> forms.DecimalField:
    name, full = criterion.name, criterion.max_score
    return forms.DecimalField(
        label=f"{name}（满分 {full} 分）",
        min_value=Decimal(0),
        max_value=Decimal(full),
        decimal_places=1,
        max_digits=5,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": str(full), "inputmode": "decimal"}),
        error_messages={
            "required": f"请为“{name}”评分（0 到 {full} 分）。",
            "invalid": f"“{name}”的得分须为数字。",
            "min_value": f"“{name}”的得分须在 0 到 {full} 分之间。",
            "max_value": f"“{name}”的得分须在 0 到 {full} 分之间。",
            "max_decimal_places": f"“{name}”的得分最多保留一位小数。",
            "max_digits": f"“{name}”的得分须在 0 到 {full} 分之间。",
            "max_whole_digits": f"“{name}”的得分须在 0 到 {full} 分之间。",
        },
    )


class AssessmentForm(forms.Form):
    """The grade, one score field per active criterion (``score_<id>``), comments and date."""

    grade = forms.ChoiceField(
        label="评估等次",
        choices=[("", "请选择"), *Grade.choices],
        error_messages={"required": "请选择评估等次。", "invalid_choice": "评估等次只能是好、较好、一般或差。"},
        help_text="评为“一般”或“差”的，未销号的整改任务将转入二次整改，重新计算完成时限",
    )
    assessed_on = forms.DateField(
        label="评估日期", widget=DATE, error_messages={**DATE_ERRORS, "required": "请填写评估日期。"}
    )
    comments = forms.CharField(
        label="评估意见",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "评估意见不能超过 5000 字。"},
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = score_field(c)
        order = [f"score_{c.pk}" for c in self.criteria] + ["grade", "assessed_on", "comments"]
        self.order_fields(order)

    def score_fields(self):
        return [self[f"score_{c.pk}"] for c in self.criteria]

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class CriterionForm(forms.Form):
    name = forms.CharField(
        label="评估项目",
        max_length=100,
        error_messages={"required": "请填写评估项目名称。", "max_length": "评估项目名称不能超过 100 字。"},
    )
    max_score = forms.IntegerField(
        label="分值",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "请填写分值。",
            "invalid": "分值须为 1 到 100 之间的整数。",
            "min_value": "分值须为 1 到 100 之间的整数。",
            "max_value": "分值须为 1 到 100 之间的整数。",
        },
    )
    order = forms.IntegerField(
        label="顺序",
        required=False,
        min_value=0,
        max_value=999,
        error_messages={
            "invalid": "顺序须为 0 到 999 之间的整数。",
            "min_value": "顺序须为 0 到 999 之间的整数。",
            "max_value": "顺序须为 0 到 999 之间的整数。",
        },
        help_text="数字小的排在前面；不填则排在最后",
    )


class CriterionEditForm(CriterionForm):
    active = forms.BooleanField(label="启用", required=False)
