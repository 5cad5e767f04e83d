"""Forms of the inspector pool: an entry, its work history, relatives and declared conflicts."""

from django import forms

from core.forms import DATE
from planning.models import Inspector, InspectorDeclaration, InspectorRecord, InspectorRelative
from registry.models import Organization


class InspectorForm(forms.ModelForm):
    """The profile; the current unit is chosen from the registry (the conflict check compares it
    with the inspected organisation), or typed when it is not in the registry."""

    unit_organization = forms.ModelChoiceField(
        label="所在单位（名册）",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="请选择",
        widget=forms.Select(attrs={"data-searchable": ""}),
    )

    class Meta:
        model = Inspector
        fields = ["name", "unit_organization", "unit", "post", "education"]
        labels = {"unit": "所在单位名称（名册外）"}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_organization"].queryset = organizations
        self.fields["unit"].required = False
        self.fields["unit"].help_text = "名册中的单位请在上方选择；名册外的单位填写名称，与名册单位同名的自动关联"


def _org_field(required=False, label="单位（名册）"):
    return forms.ModelChoiceField(
        label=label,
        queryset=Organization.objects.none(),
        required=required,
        empty_label="请选择",
        widget=forms.Select(attrs={"data-searchable": ""}),
    )


class RecordForm(forms.ModelForm):
    organization = _org_field()

    class Meta:
        model = InspectorRecord
        fields = ["kind", "organization", "organization_name", "post", "start_on", "end_on"]
        widgets = {"start_on": DATE, "end_on": DATE}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization_name"].required = False
        self.fields["end_on"].help_text = "至今则不填"


class RelativeForm(forms.ModelForm):
    organization = _org_field(label="工作单位（名册）")

    class Meta:
        model = InspectorRelative
        fields = ["name", "relation", "organization", "organization_name"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["relation"].widget.attrs["placeholder"] = "如：配偶、子女、兄弟姐妹"


class DeclarationForm(forms.ModelForm):
    organization = _org_field(required=True, label="需回避的单位")

    class Meta:
        model = InspectorDeclaration
        fields = ["organization", "reason"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
