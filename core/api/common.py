"""What every API module shares: authentication, list pages, error answers."""

from __future__ import annotations

import logging
import re
import types
from typing import Any, Union, get_args, get_origin

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from core.errors import error_codes, error_codes_markdown, first_code
from core.pdf import PdfFailed, PdfUnavailable

logger = logging.getLogger(__name__)
MAX_LIMIT = 500
MAX_OFFSET = 10**9


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        from core.services import api_token_user

        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class PageSessionAuth(SessionAuth):
    """The pages' session, once it has done what the pages ask first: set up the second factor
    where it is required, change a due password (as the token endpoint asks)."""

    def authenticate(self, request, key):
        from core.middleware import session_next_step

        user = super().authenticate(request, key)
        return user if user is not None and session_next_step(user) is None else None


AUTH = [BearerAuth(), PageSessionAuth()]


def page(qs: QuerySet, *, search: str | None, fields: tuple[str, ...], limit: int, offset: int):
    """``{"items": [...], "count": N}`` for a list endpoint, with ``?search=`` over ``fields``."""
    if search:
        q = Q()
        for f in fields:
            q |= Q(**{f"{f}__icontains": search.strip()})
        qs = qs.filter(q)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    return {"items": list(qs[offset : offset + limit]), "count": qs.count()}


# ---------------------------------------------------------------- the API's edge
#
# What no endpoint should have to think about is refused here, once, before any schema or
# service sees it: a text no database can store, a body that is not multipart as it claims, a
# null where a PATCH means "leave it" or "empty it".

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = "含有无法保存的字符（不成对的 Unicode 代理项，如 \\ud800），请删除后重试。"


class BodyRefused(Exception):
    """A JSON body refused at the edge: ``field`` (dotted path) and why, in Chinese."""

    def __init__(self, field: str, message: str, code: str) -> None:
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def surrogate_at(data: Any) -> str | None:
    """The dotted path of the first text (value or key) in ``data`` holding a lone surrogate."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else str(key)
                if LONE_SURROGATE.search(str(key)):
                    return inner
                stack.append((inner, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None


class EdgeParser(Parser):
    """ninja's JSON parser, refusing a body with a text that holds a lone surrogate (JSON's
    "\\ud800" escape decodes to one; UTF-8 never carries one, so forms and queries cannot)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        at = surrogate_at(data)
        if at is not None:
            raise BodyRefused(at or "body", SURROGATE_MESSAGE, "bad_text")
        return data


def _is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return str in get_args(annotation)
    return False


def _text_not_null(schema: dict, cls: Any) -> None:
    """The schema says what ``PatchIn`` enforces: a text field may be left out, not null."""
    for name, field in cls.model_fields.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if prop and _is_text(field.annotation) and "anyOf" in prop:
            kept = [branch for branch in prop["anyOf"] if branch.get("type") != "null"]
            if len(kept) == 1:
                rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
                prop.clear()
                prop.update({**kept[0], **rest})


class PatchIn(Schema):
    """A PATCH body: a field left out is left as it is; ``null`` for a text field is refused
    (send "" to empty it), as no text column holds null. A date or a number may still be null
    where its field allows it."""

    model_config = ConfigDict(json_schema_extra=_text_not_null)

    @field_validator("*", mode="before")
    @classmethod
    def _no_null_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if value is None and field is not None and _is_text(field.annotation):
            raise PydanticCustomError("null_text", '不能为 null：不修改请省略此项，要清空请传空字符串 ""。')
        return value


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every refusal's answer: a Chinese ``detail`` and a ``code`` (the API's description lists
    them); for input, ``errors`` by field ({field: [messages]} from the services, a list of
    {field, message} from the schema's own checks) and ``error_codes`` by field."""

    detail: str
    code: str
    errors: dict[str, list[str]] | list[FieldErrorOut] | None = None
    error_codes: dict[str, list[str]] | None = None


# The refusals every operation may answer, declared in the schema where the operation does not
# declare its own (401 only where it needs a token).
ERROR_STATUSES = {
    400: "请求体无法解析",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "未找到（或无权查看）",
    422: "输入有误",
    429: "请求过于频繁",
}


def declare_errors(schema: dict) -> dict:
    """The OpenAPI ``schema`` with ``ErrorOut`` as each operation's answer for the statuses of
    ``ERROR_STATUSES`` it does not declare itself."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error.pop("$defs", {}))
    components["ErrorOut"] = error
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses}  # ninja's keys are ints
            for status, description in ERROR_STATUSES.items():
                if status not in declared and (status != 401 or operation.get("security")):
                    responses[status] = {"description": description, **ref}
    return schema


def validation_messages(e: ValidationError) -> dict:
    if hasattr(e, "error_dict"):
        return {k: [m for err in v for m in err.messages] for k, v in e.error_dict.items()}
    return {"__all__": e.messages}


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "未找到。", "code": "not_found"}, status=404)

    @api.exception_handler(PdfUnavailable)
    def pdf_unavailable(request, exc):
        return api.create_response(request, {"detail": exc.message, "code": "pdf_unavailable"}, status=404)

    @api.exception_handler(PdfFailed)
    def pdf_failed(request, exc):
        return api.create_response(request, {"detail": exc.messages[0], "code": "pdf_failed"}, status=503)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": "无权执行此操作。", "code": "forbidden"}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, {"detail": "请先登录或提供有效的访问令牌。", "code": "unauthenticated"}, status=401
        )

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        codes = error_codes(exc)
        body = {
            "detail": "输入有误。",
            "code": first_code(codes),
            "errors": validation_messages(exc),
            "error_codes": codes,
        }
        return api.create_response(request, body, status=422)

    @api.exception_handler(NinjaValidationError)
    def schema_invalid(request, exc):
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": _pydantic_message(e)}
            for e in exc.errors
        ]
        codes: dict[str, list[str]] = {}
        for e in errors:
            codes.setdefault(e["field"], []).append("schema_invalid")
        body = {"detail": "请求格式有误。", "code": "schema_invalid", "errors": errors, "error_codes": codes}
        return api.create_response(request, body, status=422)

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request, exc):
        body = {
            "detail": "上传请求格式有误：multipart/form-data 缺少 boundary 或内容已损坏，请用表单上传文件（file）。",
            "code": "bad_multipart",
            "errors": [{"field": "file", "message": "上传内容无法读取。"}],
        }
        return api.create_response(request, body, status=400)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        refused = exc.__cause__
        if isinstance(refused, BodyRefused):  # EdgeParser's: ninja wraps what the parser raises
            body = {
                "detail": f"输入有误：{refused.field} {refused.message}",
                "code": refused.code,
                "errors": [{"field": refused.field, "message": refused.message}],
                "error_codes": {refused.field: [refused.code]},
            }
            return api.create_response(request, body, status=422)
        # ninja's own refusals (a body that is not JSON answers 400) in Chinese, with their status.
        detail = "请求体不是有效的 JSON。" if exc.status_code == 400 else "请求无法处理。"
        code = "bad_json" if exc.status_code == 400 else "request_failed"
        return api.create_response(request, {"detail": detail, "code": code}, status=exc.status_code)

    @api.exception_handler(OverflowError)
    def out_of_range(request, exc):
        return api.create_response(request, {"detail": "输入有误：数值超出范围。", "code": "out_of_range"}, status=422)

    @api.exception_handler(DataError)
    def data_out_of_range(request, exc):
        return api.create_response(request, {"detail": "输入有误：数值超出范围。", "code": "out_of_range"}, status=422)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        logger.exception("API error on %s", request.path)
        return api.create_response(
            request,
            {"detail": "系统出现错误，已记录。请稍后重试或联系系统管理员。", "code": "server_error"},
            status=500,
        )


# Chinese for the schema errors people actually meet; anything else gets the generic line.
PYDANTIC_MESSAGES = {
    "missing": "缺少此项。",
    "date_parsing": "不是有效日期，请按 2025-09-30 的格式填写。",
    "date_from_datetime_parsing": "不是有效日期，请按 2025-09-30 的格式填写。",
    "date_type": "不是有效日期，请按 2025-09-30 的格式填写。",
    "int_parsing": "须为整数。",
    "int_type": "须为整数。",
    "string_type": "须为文本。",
    "bool_parsing": "须为 true 或 false。",
    "json_invalid": "不是有效的 JSON。",
    "null_text": '不能为 null：不修改请省略此项，要清空请传空字符串 ""。',
}


def _pydantic_message(error: dict) -> str:
    return PYDANTIC_MESSAGES.get(error.get("type", ""), "格式有误。")


# The error codes (core.errors.ERROR_CODES) as Markdown, appended to the OpenAPI description.
ERROR_CODES_DESCRIPTION = error_codes_markdown()
