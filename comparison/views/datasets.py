"""Pages of the datasets (数据集): the list, the upload in two steps (the file and its source,
then the mapping, a sample and the validation report to confirm), a dataset's page and its
sample rows. The data officer's alone: anybody else meets 404.

Thin: the rules are in ``comparison.datasets``; a service's Chinese message is shown by the
field or above the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from comparison import datasets
from comparison.fields import BY_KEY
from comparison.forms.datasets import DatasetUploadForm, MappingForm
from core import access
from core.forms import apply_service_errors, error_text
from core.paging import paginate

SESSION_KEY = "comparison_pending"  # {token: file name} of the uploads this session may confirm


def _require_officer(user: Any) -> None:
    if not datasets.may_upload(user):
        raise access.PageRefused(access.STEPS["dataset.upload"].roles)


def _with_quality(items: Any) -> None:
    for d in items:
        d.quality = datasets.id_quality(d.report)


@login_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    _require_officer(request.user)
    page = paginate(request, datasets.datasets_for(user=request.user))
    _with_quality(page)
    return render(request, "comparison/dataset_list.html", {"page": page})


def _sources(user: Any) -> list[str]:
    return list(datasets.sources_for(user=user).values_list("name", flat=True))


@login_required
def dataset_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file and its source. A readable file goes on to step 2 (the mapping)."""
    user = request.user
    _require_officer(user)
    form = DatasetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        source = form.cleaned_data["source"]
        try:
            found = datasets.dataset_receive(actor=user, upload=upload, source_name=source)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            pending = request.session.get(SESSION_KEY, {})
            pending[found.token] = found.file_name
            request.session[SESSION_KEY] = pending
            mapping_form = MappingForm(
                initial={"token": found.token, "source": source, "department": form.cleaned_data["department"]},
                headers=[str(h) for h in found.look.headers],
                mapping=found.mapping,
            )
            return _confirm_page(request, mapping_form, found)
    return render(request, "comparison/dataset_upload.html", {"form": form, "sources": _sources(user)})


def _confirm_page(request: HttpRequest, form: MappingForm, found: datasets.Look, status: int = 200) -> HttpResponse:
    report = found.report
    sample = list(found.look.sample or [])[: datasets.SAMPLE_ROWS]
    cells = [[row[i] if i < len(row) else "" for row in sample] for i in range(len(form.headers))]
    context = {
        "form": form,
        "columns": list(zip(form.columns(), cells, strict=True)),
        "found": found,
        "look": found.look,
        "report": report,
        "quality": datasets.id_quality(report) if report else None,
        "date_rows": _date_rows(report) if report else [],
        "sources": _sources(request.user),
        "saved": datasets.sources_for(user=request.user)
        .filter(name=(form["source"].value() or "").strip())
        .exclude(mapping={})
        .exists(),
    }
    return render(request, "comparison/dataset_confirm.html", context, status=status)


def _date_rows(report: dict) -> list[dict]:
    rows = []
    for key, figures in (report.get("dates") or {}).items():
        label = BY_KEY[key].label if key in BY_KEY else key
        rows.append({"label": label, **figures})
    return rows


@login_required
def dataset_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: check again under a corrected mapping (``recheck``), or store (``confirm``)."""
    user = request.user
    _require_officer(user)
    if request.method != "POST":
        return redirect("comparison:dataset_upload")
    pending = request.session.get(SESSION_KEY, {})
    token = request.POST.get("token", "")
    if token not in pending:
        messages.error(request, "待确认的文件已失效，请重新上传。")
        return redirect("comparison:dataset_upload")
    file_name = pending[token]
    try:
        first = datasets.dataset_look_pending(actor=user, token=token, file_name=file_name, check=False)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("comparison:dataset_upload")
    headers = [str(h) for h in first.look.headers]
    form = MappingForm(request.POST, headers=headers)
    if not form.is_valid():
        first.error = "请先更正上面标出的问题，再重新检查。"
        return _confirm_page(request, form, first)
    mapping = form.mapping()
    source = form.cleaned_data["source"]
    if "confirm" not in request.POST:
        try:
            found = datasets.dataset_look_pending(
                actor=user, token=token, source_name=source, mapping=mapping, file_name=file_name
            )
        except ValidationError as e:
            form.add_error(None, error_text(e))
            refused = datasets.Look(token, file_name, first.look, mapping, None, error_text(e))
            return _confirm_page(request, form, refused)
        return _confirm_page(request, form, found)
    try:
        dataset = datasets.dataset_create(
            actor=user,
            source_name=source,
            token=token,
            mapping=mapping,
            department=form.cleaned_data["department"],
            file_name=file_name,
        )
    except ValidationError as e:
        if "token" in e.message_dict:
            pending.pop(token, None)
            request.session[SESSION_KEY] = pending
            messages.error(request, error_text(e))
            return redirect("comparison:dataset_upload")
        apply_service_errors(form, e, {"file": "__all__", "mapping": "__all__"})
        refused = datasets.Look(token, file_name, first.look, mapping, None, error_text(e))
        return _confirm_page(request, form, refused)
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    messages.success(request, f"已保存“{dataset.source.name}”第 {dataset.version} 版，共 {dataset.rows} 行。")
    return redirect("comparison:dataset", dataset.pk)


@login_required
def dataset_page(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_object_or_404(datasets.datasets_for(user=request.user), pk=pk)
    versions = datasets.datasets_for(user=request.user).filter(source=dataset.source).order_by("-version")
    _with_quality(versions)
    report = dataset.report
    context = {
        "dataset": dataset,
        "report": report,
        "quality": datasets.id_quality(report),
        "date_rows": _date_rows(report),
        "mapping": [(h, BY_KEY[k].label if k in BY_KEY else k) for h, k in (report.get("mapping") or {}).items()],
        "versions": versions,
    }
    return render(request, "comparison/dataset.html", context)


COLUMN_LABELS = {
    "row_no": "行号",
    "id_status": "身份证号状态",
    "id_raw": "原始身份证号",
    **{f.key: f.label for f in BY_KEY.values()},
}
ID_STATUS_LABELS = {
    "valid": "有效",
    "upgraded_15": "15位已升级",
    "repaired": "已修复",
    "bad_checksum": "校验位错误",
    "excel_number": "被Excel转为数字",
    "missing": "缺失",
    "invalid": "无效",
}


@login_required
def dataset_rows_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The first rows as normalised: personal data, so every view of it is audited."""
    dataset = get_object_or_404(datasets.datasets_for(user=request.user), pk=pk)
    try:
        columns, rows = datasets.dataset_rows(actor=request.user, dataset=dataset)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("comparison:dataset", dataset.pk)
    if "id_status" in columns:
        at = columns.index("id_status")
        for row in rows:
            row[at] = ID_STATUS_LABELS.get(row[at], row[at])
    context = {"dataset": dataset, "columns": [COLUMN_LABELS.get(c, c) for c in columns], "rows": rows}
    return render(request, "comparison/dataset_rows.html", context)
