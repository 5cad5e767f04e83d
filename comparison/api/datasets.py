"""Datasets in the API: the upload (multipart; answers the validation report) and the list.
Thin: the rules are in ``comparison.datasets``."""

from __future__ import annotations

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from comparison import datasets
from core.api.common import page
from core.files import file_erase

router = Router(tags=["数据比对"])


class DatasetOut(Schema):
    id: int
    source: str
    source_id: int
    version: int
    file_name: str
    rows: int
    sha256: str
    size: int
    id_quality: dict
    uploaded_by: str
    uploaded_at: datetime

    @staticmethod
    def resolve_source(obj):
        return obj.source.name

    @staticmethod
    def resolve_id_quality(obj):
        return datasets.id_quality(obj.report)

    @staticmethod
    def resolve_uploaded_by(obj):
        return obj.uploaded_by.display_name


class DatasetPage(Schema):
    items: list[DatasetOut]
    count: int


class DatasetCreated(Schema):
    dataset: DatasetOut
    report: dict


def _mapping(text: str | None) -> dict | None:
    if text is None or not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationError(
            {"mapping": [ValidationError('列对应关系须是 JSON 对象：{"列名": "字段"}。', code="invalid")]}
        )
    return value


@router.get("/datasets", response=DatasetPage)
def dataset_list(request, search: str | None = None, limit: int = 50, offset: int = 0):
    """The datasets of the data officer's authority, newest first (nobody else sees any)."""
    qs = datasets.datasets_for(user=request.user)
    return page(qs, search=search, fields=("source__name", "file_name"), limit=limit, offset=offset)


@router.post("/datasets", response={200: dict, 201: DatasetCreated})
def dataset_post(
    request,
    file: File[UploadedFile] = None,
    source: Form[str] = "",
    mapping: Form[str] = "",
    check_only: Form[bool] = False,
):
    """Upload a department's file (multipart: ``file``, ``source`` (its name, e.g.
    县民政局低保名单), optional ``mapping`` (JSON text: header → field key; default the
    source's saved mapping, then the guess from the headers), optional ``check_only``).
    Answers ``{"dataset", "report"}`` (201), or with ``check_only`` the validation report
    alone (200) and nothing stored. A file that cannot be read answers 422 with the reason."""
    datasets.officer_authority(request.user)
    if file is None:
        raise ValidationError({"file": [ValidationError("请选择要上传的数据文件。", code="file_rejected")]})
    chosen = _mapping(mapping)
    if check_only:
        found = datasets.dataset_receive(actor=request.user, upload=file, source_name=source, mapping=chosen)
        file_erase(datasets.pending_dir() / found.token)
        if found.report is None:
            raise ValidationError({"file": [ValidationError(found.error, code="file_rejected")]})
        return 200, {**found.report, "mapping": found.mapping}
    dataset = datasets.dataset_create(actor=request.user, source_name=source, upload=file, mapping=chosen)
    return 201, {"dataset": dataset, "report": dataset.report}
