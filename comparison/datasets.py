"""Datasets (数据集): a department's file, checked, normalised to Parquet and stored as a new
version of its source, and the reads of it.

The upload goes in two steps: ``dataset_look_upload`` keeps the file under the data
directory's ``tmp/comparison/`` and answers what was found in it (format, encoding, headers,
the mapping to the canonical fields, a sample and the validation report); the officer
confirms or corrects the mapping and ``dataset_create`` stores it. ``dataset_create`` also
takes the file directly (the API's upload). Nothing is stored when a check fails: the
Parquet file is written beside its final place and moved there only once it is complete,
and removed again if the record cannot be written.

Files live under ``settings.DATA_DIR / "comparison" / <authority id>/`` (``Dataset.path``
is relative to that), outside any web root. Every upload and every read of rows is audited
(``dataset.upload``, ``dataset.read``).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from comparison import fields
from comparison.models import Dataset, Source
from core import access
from core.audit import audit_record
from core.files import file_erase
from core.models import Authority

PENDING_HOURS = 24
SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".parquet"}
SAMPLE_ROWS = 5
# The ID statuses a person can be matched on exactly (decision 0008).
USABLE_ID = ("id_valid", "id_upgraded_15", "id_repaired")


# Where the files live ----------------------------------------------------------------------


def data_root() -> Path:
    return Path(settings.DATA_DIR) / "comparison"


def authority_dir(authority_id: int) -> Path:
    return data_root() / str(authority_id)


def dataset_file(dataset: Dataset) -> Path:
    """The full path of a dataset's normalised Parquet file."""
    return authority_dir(dataset.authority_id) / dataset.path


def pending_dir() -> Path:
    path = Path(settings.DATA_DIR) / "tmp" / "comparison"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending_path(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,7}", token or "") or Path(token).suffix not in SUFFIXES:
        raise ValidationError({"token": [ValidationError("待确认的文件已失效，请重新上传。", code="stale")]})
    path = pending_dir() / token
    if not path.exists():
        raise ValidationError({"token": [ValidationError("待确认的文件已失效，请重新上传。", code="stale")]})
    return path


def _pending_purge() -> None:
    """Remove uploads that were looked at but never confirmed."""
    cutoff = time.time() - PENDING_HOURS * 3600
    for path in pending_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                file_erase(path)
        except OSError:
            pass


# Who ------------------------------------------------------------------------------------------


def officer_authority(user: Any, step: str = "dataset.upload") -> Authority:
    """The authority on which ``user`` takes ``step`` (their own when they hold it there);
    ``PermissionDenied`` when nowhere."""
    ids = access.step_authorities(user, step)
    if not ids:
        raise PermissionDenied
    chosen = user.authority_id if user.authority_id in ids else min(ids)
    return Authority.objects.get(pk=chosen)


def may_upload(user: Any) -> bool:
    return access.may_somewhere(user, "dataset.upload")


def datasets_for(*, user: Any) -> QuerySet[Dataset]:
    return access.restrict(Dataset.objects.select_related("source", "uploaded_by"), user)


def sources_for(*, user: Any) -> QuerySet[Source]:
    return access.restrict(Source.objects.all(), user)


# The look --------------------------------------------------------------------------------------


def _file_error(message: str, field: str = "file") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code="file_rejected")]})


def _suffix(name: str) -> str:
    suffix = Path(name or "").suffix.lower()
    return suffix if suffix in SUFFIXES else ".csv"


def display_name(name: str) -> str:
    name = unicodedata.normalize("NFC", Path((name or "").replace("\\", "/")).name)
    name = re.sub(r"[\x00-\x1f\x7f<>:\"/|?*]", "", name).strip(" .")
    return name[:200] or "数据文件"


def _store_upload(upload: Any) -> tuple[str, Path]:
    """Write ``upload`` to the pending directory, checking its size; answers (token, path)."""
    limit = settings.XUNCHA["DATASET_MAX_BYTES"]
    label = display_name(getattr(upload, "name", ""))
    if upload is None:
        raise _file_error("请选择要上传的数据文件。")
    if upload.size > limit:
        raise _file_error(f"“{label}”超过 {limit // (1024 * 1024)} MB 的上限。")
    if upload.size == 0:
        raise _file_error(f"“{label}”是空文件。")
    _pending_purge()
    token = secrets.token_hex(16) + _suffix(upload.name)
    path = pending_dir() / token
    with open(path, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def _ingest_error(exc: Exception, field: str = "file") -> ValidationError:
    return _file_error(getattr(exc, "message", None) or str(exc), field)


def mapping_check(mapping: dict[str, str] | None, headers: list[str] | None = None) -> dict[str, str]:
    """The mapping (header → field key) with the columns left unmapped dropped; a
    ``ValidationError`` on ``mapping`` naming an unknown field, a header not in the file or a
    field given two columns."""
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise ValidationError({"mapping": [ValidationError("列对应关系格式不正确。", code="invalid")]})
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header, key in mapping.items():
        if not key:
            continue
        if not isinstance(key, str) or key not in fields.BY_KEY:
            raise ValidationError(
                {"mapping": [ValidationError(f"列“{header}”对应的字段“{key}”不存在。", code="unknown_choice")]}
            )
        if headers is not None and header not in headers:
            raise ValidationError(
                {"mapping": [ValidationError(f"文件中没有名为“{header}”的列。", code="unknown_reference")]}
            )
        if key in seen:
            label = fields.BY_KEY[key].label
            raise ValidationError(
                {
                    "mapping": [
                        ValidationError(
                            f"列“{seen[key]}”和列“{header}”都对应“{label}”，每个字段只能对应一列。", code="duplicate"
                        )
                    ]
                }
            )
        seen[key] = str(header)
        cleaned[str(header)] = key
    return cleaned


def mapping_for(headers: list[str], guess: dict[str, str], saved: dict[str, str] | None) -> dict[str, str]:
    """The mapping to propose for a file: the source's saved mapping for the headers it names
    (the officer's earlier choice wins), the guess for the others, each field once."""
    saved = {h: k for h, k in (saved or {}).items() if h in headers and k in fields.BY_KEY}
    taken = set(saved.values())
    proposed = dict(saved)
    for header in headers:
        key = guess.get(header)
        if header not in proposed and key and key not in taken:
            proposed[header] = key
            taken.add(key)
    return {h: proposed[h] for h in headers if h in proposed}


@dataclass
class Look:
    """What a pending upload holds: the file's look (``comparison.ingest.FileLook``), the
    mapping proposed, and the validation report under it (or the reason there is none)."""

    token: str
    file_name: str
    look: Any
    mapping: dict[str, str]
    report: dict | None
    error: str = ""


def dataset_look_upload(*, actor: Any, upload: Any, source_name: str = "") -> tuple[str, Any, dict | None]:
    """Keep ``upload`` for the confirm step and answer ``(token, FileLook, report)``; the report
    is the validation report under the proposed mapping (None when the file cannot be read
    under it: ``dataset_receive`` tells why). Nothing is stored as a dataset."""
    found = dataset_receive(actor=actor, upload=upload, source_name=source_name)
    return found.token, found.look, found.report


def dataset_receive(*, actor: Any, upload: Any, source_name: str = "", mapping: dict[str, str] | None = None) -> Look:
    """Keep ``upload`` for the confirm step (``Look.token``) and look at it as
    ``dataset_look_pending`` does. A file that cannot be read at all is removed again."""
    officer_authority(actor)
    token, path = _store_upload(upload)
    try:
        return dataset_look_pending(
            actor=actor, token=token, source_name=source_name, mapping=mapping, file_name=display_name(upload.name)
        )
    except ValidationError:
        file_erase(path)
        raise


def dataset_look_pending(
    *,
    actor: Any,
    token: str,
    source_name: str = "",
    mapping: dict[str, str] | None = None,
    file_name: str = "",
    check: bool = True,
) -> Look:
    """Look at a pending upload under ``mapping`` (default: the source's saved mapping, then
    the guess from the headers) and validate it (unless ``check`` is false: the headers alone).
    A file that cannot be read at all raises a ``ValidationError``; one whose mapping lacks a
    column the check needs answers the reason in ``Look.error``, so that the officer can
    correct the mapping."""
    from comparison import ingest

    authority = officer_authority(actor)
    path = _pending_path(token)
    try:
        look = ingest.dataset_look(path)
    except ingest.DatasetError as e:
        raise _ingest_error(e) from e
    headers = [str(h) for h in look.headers]
    if mapping is None:
        source = Source.objects.filter(authority=authority, name=source_name.strip()).first() if source_name else None
        chosen = mapping_for(headers, dict(look.guess or {}), source.mapping if source else None)
    else:
        chosen = mapping_check(mapping, headers)
    report: dict | None = None
    error = ""
    if check:
        try:
            report = ingest.dataset_normalise(path, mapping=chosen)
        except ingest.DatasetError as e:
            error = getattr(e, "message", None) or str(e)
    return Look(token, file_name, look, chosen, report, error)


# Storing --------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _source_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"source": [ValidationError("请填写数据来源，如“县民政局低保名单”。", code="invalid")]})
    if len(name) > 100:
        raise ValidationError({"source": [ValidationError("数据来源不能超过 100 个字。", code="invalid")]})
    return name


def dataset_create(
    *,
    actor: Any,
    source_name: str,
    upload: Any = None,
    token: str = "",
    mapping: dict[str, str] | None = None,
    department: str = "",
    file_name: str = "",
) -> Dataset:
    """Store a file as the next version of source ``source_name`` (made on first use):
    normalised to Parquet under the mapping given (else the source's saved one, else the
    guess), the mapping saved on the source for its next file, an audit event
    ``dataset.upload``. The file is ``upload`` or the pending upload ``token``. A file that
    cannot be read answers a ``ValidationError`` with the Chinese reason and nothing is stored
    (a pending upload is kept, for another try under a corrected mapping)."""
    from comparison import ingest

    authority = officer_authority(actor)
    name = _source_name(source_name)
    if upload is not None:
        token, path = _store_upload(upload)
        file_name = display_name(upload.name)
    else:
        path = _pending_path(token)
        file_name = display_name(file_name or path.name)
    try:
        try:
            look = ingest.dataset_look(path)
        except ingest.DatasetError as e:
            raise _ingest_error(e) from e
        headers = [str(h) for h in look.headers]
        if mapping is None:
            existing = Source.objects.filter(authority=authority, name=name).first()
            chosen = mapping_for(headers, dict(look.guess or {}), existing.mapping if existing else None)
        else:
            chosen = mapping_check(mapping, headers)
        folder = authority_dir(authority.pk)
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f".{secrets.token_hex(16)}.part"
        try:
            try:
                report = ingest.dataset_normalise(path, mapping=chosen, out=part)
            except ingest.DatasetError as e:
                raise _ingest_error(e) from e
            report = {**report, "mapping": chosen, "format": look.format, "encoding": look.encoding}
            dataset = _dataset_save(
                actor=actor,
                authority=authority,
                name=name,
                department=department,
                mapping=chosen,
                file_name=file_name,
                report=report,
                part=part,
                original=path,
            )
        finally:
            file_erase(part)
    except BaseException:
        # A pending upload stays for the officer to correct the mapping (purged after a day);
        # a direct upload (the API's) goes at once.
        if upload is not None:
            file_erase(path)
        raise
    file_erase(path)
    return dataset


def _dataset_save(
    *,
    actor: Any,
    authority: Authority,
    name: str,
    department: str,
    mapping: dict[str, str],
    file_name: str,
    report: dict,
    part: Path,
    original: Path,
) -> Dataset:
    final: Path | None = None
    try:
        with transaction.atomic():
            source, created = Source.objects.select_for_update().get_or_create(
                authority=authority,
                name=name,
                defaults={"department": department.strip()[:100], "mapping": mapping, "created_by": actor},
            )
            if not created:
                source.mapping = mapping
                if department.strip():
                    source.department = department.strip()[:100]
                source.save(update_fields=["mapping", "department"])
            version = (source.datasets.aggregate(v=Max("version"))["v"] or 0) + 1
            relative = f"{source.pk}-v{version}-{secrets.token_hex(8)}.parquet"
            final = authority_dir(authority.pk) / relative
            os.replace(part, final)
            dataset = Dataset.objects.create(
                authority=authority,
                source=source,
                version=version,
                file_name=file_name,
                rows=int(report.get("rows") or 0),
                report=report,
                path=relative,
                sha256=_sha256(original),
                size=original.stat().st_size,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="dataset.upload",
                obj=dataset,
                authority=authority,
                detail={"source": name, "version": version, "file": file_name, "rows": dataset.rows},
            )
    except BaseException:
        if final is not None:
            file_erase(final)
        raise
    return dataset


# Reading ---------------------------------------------------------------------------------------


def id_quality(report: dict) -> dict:
    """The ID figures of a validation report at a glance: rows, usable IDs (valid, upgraded
    from 15 digits, repaired), the unusable ones, and the share usable in per cent."""
    rows = int(report.get("rows") or 0)
    usable = sum(int(report.get(k) or 0) for k in USABLE_ID)
    unusable = rows - usable
    percent = round(100 * usable / rows, 1) if rows else 0.0
    return {"rows": rows, "usable": usable, "unusable": unusable, "percent": percent}


def dataset_rows(*, actor: Any, dataset: Dataset, limit: int = 20) -> tuple[list[str], list[list[Any]]]:
    """The first ``limit`` rows of a dataset as normalised (columns, rows), for its page.
    Personal data: the read is audited (``dataset.read``)."""
    import pyarrow.parquet as pq

    access.check(actor, "view", dataset)
    path = dataset_file(dataset)
    if not path.exists():
        gone = ValidationError("数据文件不存在，可能已被清理。", code="missing_prerequisite")
        raise ValidationError({"file": [gone]})
    parquet = pq.ParquetFile(path)
    names = set(parquet.schema_arrow.names)
    columns = [c for c in _SHOWN if c in names]
    batch = next(parquet.iter_batches(batch_size=limit, columns=columns), None)
    rows = [] if batch is None else [[r[c] for c in columns] for r in batch.to_pylist()]
    audit_record(
        actor=actor,
        action="dataset.read",
        obj=dataset,
        detail={"source": dataset.source.name, "version": dataset.version, "rows": len(rows)},
    )
    return columns, rows


# The normalised columns the sample shows, in this order: the row, the ID and its status, then the fields.
_SHOWN = ("row_no", "id_number", "id_status", "id_raw", *(f.key for f in fields.FIELDS if f.key != "id_number"))
