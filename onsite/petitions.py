"""Petitions and reports (信访举报): entered by the team, or sent by the public online.

Staff of the inspection (its team, and the office of its authority) enter petitions that
came by letter, visit, phone, mailbox or email, triage them (within scope, out of scope and
forwarded, or a duplicate), reply to the reporter and keep internal notes.

The reporter's identity (name, phone, ID number, address) is stored only sealed
(``core.crypto.seal_json``) in ``Petition.identity``. It is opened only for users holding
``team_intake`` on the petition's inspection, and each opening writes a
``petition.identity_read`` audit event. It appears in no audit detail and no log.

The public channel (``petition_submit_public``) needs no account and records no address.
It answers with a receipt code that is shown once and stored only as its SHA-256; with it
the reporter reads the team's replies and adds information, and nothing else. Submissions
and lookups are rate-limited per client (``core.ratelimit.client_tag``, a keyed hash of the
address that is not kept) and overall, in database counters; see ``onsite.public_limits``.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import access
from core.audit import audit_record
from core.crypto import SealError, seal_json, unseal_json
from core.files import file_erase, file_path
from core.idnumber import id_number_normalise
from core.models import RoleAssignment, User
from core.ratelimit import RateLimited, rate_miss, rate_take, rate_wait
from core.services import role_assign, role_revoke
from onsite.attachments import attachment_create
from onsite.models import Attachment, FocusArea, FocusTaxonomy, Petition, PetitionMessage, new_receipt_code
from onsite.public_limits import public_submit_take
from planning.models import Inspection, TeamMember

PUBLIC_STAGES = (Inspection.Stage.PREPARATION, Inspection.Stage.ONSITE)
STAFF_CHANNELS = [c for c in Petition.Channel if c != Petition.Channel.ONLINE]
IDENTITY_FIELDS = ("name", "phone", "id_number", "address")
IDENTITY_HIDDEN = "（反映人信息仅信访受理人员可见）"
MAX_ATTACHMENTS = 10
MAX_CONTENT = 10_000
TRIAGE_FIELDS = ["status", "focus_area", "forwarded_to", "forwarded_on", "duplicate_of", "triaged_by", "triaged_at"]


# --- checks shared by staff and the public --------------------------------------------


def _identity(errors: dict, *, anonymous: bool, name: str, phone: str, id_number: str, address: str) -> dict:
    """The identity to seal (empty when anonymous), collecting Chinese errors by field."""
    if anonymous:
        return {}
    name, phone, address = (name or "").strip(), (phone or "").strip(), (address or "").strip()
    if not name:
        errors["name"] = ["实名反映请填写姓名；不愿留名可选择匿名。"]
    elif len(name) > 50:
        errors["name"] = ["姓名不超过 50 字。"]
    if phone and not re.fullmatch(r"[0-9+\-() ]{5,20}", phone):
        errors["phone"] = ["联系电话格式不正确，请填写手机号或带区号的固定电话。"]
    if len(address) > 200:
        errors["address"] = ["联系地址不超过 200 字。"]
    try:
        id_number = id_number_normalise(id_number)
    except ValidationError as e:
        errors["id_number"] = e.error_list
    return {"name": name, "phone": phone, "id_number": id_number, "address": address}


def _text(errors: dict, *, subject: str, content: str, accused: str) -> tuple[str, str, str]:
    subject, content, accused = (subject or "").strip(), (content or "").strip(), (accused or "").strip()
    if not subject:
        errors["subject"] = ["请填写标题。"]
    elif len(subject) > 200:
        errors["subject"] = ["标题不超过 200 字。"]
    if not content:
        errors["content"] = ["请填写反映内容。"]
    elif len(content) > MAX_CONTENT:
        errors["content"] = [f"反映内容不超过 {MAX_CONTENT} 字，更多材料请作为附件上传。"]
    if len(accused) > 200:
        errors["accused"] = ["被反映人不超过 200 字。"]
    return subject, content, accused


@contextmanager
def _stored_files():
    """Attachments stored inside the block lose their files if the block fails (rows roll back)."""
    created: list[Attachment] = []
    try:
        yield created
    except BaseException:
        for a in created:
            file_erase(file_path(a.path))
        raise


def _store(created: list, *, actor, inspection, uploads: Iterable, public: bool) -> list[Attachment]:
    for upload in uploads:
        try:
            created.append(attachment_create(actor=actor, inspection=inspection, upload=upload, public=public))
        except ValidationError as e:
            raise ValidationError({"attachments": [ValidationError(m, code="file_rejected") for m in e.messages]})
    return created


def _count_uploads(errors: dict, uploads) -> list:
    uploads = [u for u in uploads or () if u]
    if len(uploads) > MAX_ATTACHMENTS:
        errors["attachments"] = [ValidationError(f"一次最多上传 {MAX_ATTACHMENTS} 个附件。", code="file_rejected")]
    return uploads


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["请填写内容。"]})
    if len(body) > MAX_CONTENT:
        raise ValidationError({"body": [f"内容不超过 {MAX_CONTENT} 字。"]})
    return body


# --- selectors -------------------------------------------------------------------------


def petitions_for(*, user, inspection=None, status: str = "", channel: str = "", search: str = ""):
    """Petitions the user may see, optionally of one inspection, filtered and searched
    (subject, content, accused: never the sealed identity)."""
    qs = Petition.objects.select_related("inspection__organization", "triaged_by", "duplicate_of")
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    if status in Petition.Status.values:
        qs = qs.filter(status=status)
    if channel in Petition.Channel.values:
        qs = qs.filter(channel=channel)
    if search and search.strip():
        s = search.strip()
        qs = qs.filter(Q(subject__icontains=s) | Q(content__icontains=s) | Q(accused__icontains=s))
    return access.restrict(qs, user, "view")


def identity_inspections(user) -> set[int]:
    """Inspections on which ``user`` reads identity: for lists of petitions already narrowed
    by ``petitions_for`` (equivalent there to the step ``petition.read_identity``, without a
    query per row)."""
    return {i for role in access.step_roles("petition.read_identity") for i in access.scope_ids(user, role)}


def petition_identity(*, actor, petition: Petition, via: str = "page", readable: bool | None = None) -> dict | None:
    """The reporter's identity for an intake member (audited as ``petition.identity_read``),
    else None. ``{}`` when the petition carries none (anonymous)."""
    if readable is None:
        readable = access.may(actor, "petition.read_identity", petition)
    if not readable:
        return None
    if not petition.identity:
        return {}
    try:
        identity = unseal_json(petition.identity)
    except SealError:  # the key file is not the one it was sealed with: say so, never a 500
        return {"name": "（反映人信息无法解密，请联系安全保密管理员核对密钥）"}
    audit_record(actor=actor, action="petition.identity_read", obj=petition, detail={"via": via})
    return identity


def current_taxonomy(authority_id: int) -> FocusTaxonomy | None:
    """The authority's current published focus-area taxonomy (its latest published version)."""
    return (
        FocusTaxonomy.objects.filter(authority_id=authority_id, published_at__isnull=False).order_by("-version").first()
    )


def discipline_choices(authority_id: int):
    taxonomy = current_taxonomy(authority_id)
    return FocusArea.objects.filter(taxonomy=taxonomy, group=FocusArea.Group.DISCIPLINE).order_by("order", "code")


def focus_choices(authority_id: int):
    """The leaves of the four focuses in the current taxonomy (a petition is tagged with a leaf)."""
    taxonomy = current_taxonomy(authority_id)
    return (
        FocusArea.objects.filter(taxonomy=taxonomy, group=FocusArea.Group.FOCUS, children__isnull=True)
        .select_related("parent")
        .order_by("parent__order", "order", "code")
    )


# --- staff writes ----------------------------------------------------------------------


def petition_create(
    *,
    actor,
    inspection: Inspection,
    channel: str,
    received_on: datetime.date | None,
    subject: str,
    content: str,
    accused: str = "",
    anonymous: bool = True,
    name: str = "",
    phone: str = "",
    id_number: str = "",
    address: str = "",
    uploads: Iterable = (),
    attachments: Iterable[Attachment] = (),
) -> Petition:
    """Enter a petition received by letter, visit, phone, mailbox or email.

    ``uploads`` are new files (stored as attachments), ``attachments`` ones already uploaded
    for the same inspection. Raises ``ValidationError`` by field; nothing is kept then.
    """
    access.check(actor, "change", inspection)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if inspection.stage == Inspection.Stage.ARCHIVED:
        errors["inspection"] = [ValidationError("该巡察已归档，不能再登记信访件。", code="not_editable")]
    if channel not in STAFF_CHANNELS:
        errors["channel"] = ["请选择来源（来信、来访、来电、意见箱或电子邮件）。"]
    if received_on is None:
        errors["received_on"] = ["请填写收到日期。"]
    elif received_on > timezone.localdate():
        errors["received_on"] = [ValidationError("收到日期不能晚于今天。", code="out_of_scope_date")]
    subject, content, accused = _text(errors, subject=subject, content=content, accused=accused)
    identity = _identity(errors, anonymous=anonymous, name=name, phone=phone, id_number=id_number, address=address)
    uploads = _count_uploads(errors, uploads)
    attachments = list(attachments)
    if any(a.inspection_id != inspection.pk for a in attachments):
        errors["attachments"] = [ValidationError("附件须属于本次巡察。", code="unknown_reference")]
    if errors:
        raise ValidationError(errors)
    assert received_on is not None  # a missing date is one of the errors raised above
    with _stored_files() as stored, transaction.atomic():
        petition = Petition.objects.create(
            authority_id=inspection.authority_id,
            inspection=inspection,
            channel=channel,
            received_on=received_on,
            subject=subject,
            content=content,
            accused=accused,
            anonymous=anonymous,
            identity=seal_json(identity),
            entered_by=actor,
        )
        files = _store(stored, actor=actor, inspection=inspection, uploads=uploads, public=False)
        petition.attachments.add(*files, *attachments)
        audit_record(
            actor=actor,
            action="petition.create",
            obj=petition,
            detail={
                "channel": channel,
                "received_on": received_on,
                "anonymous": anonymous,
                "attachments": len(files) + len(attachments),
            },
        )
    return petition


def petition_triage(
    *,
    actor,
    petition: Petition,
    status: str,
    disciplines: Iterable[FocusArea] = (),
    focus_area: FocusArea | None = None,
    forwarded_to: str = "",
    forwarded_on: datetime.date | None = None,
    duplicate_of: Petition | None = None,
) -> Petition:
    """Decide what a petition is (分办): within scope (one or more of the six disciplines and
    a focus-area leaf, both of the authority's current taxonomy), out of scope (forwarded: to
    whom and when), or a duplicate of another petition of the same inspection. May be redone."""
    access.check(actor, "change", petition)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    disciplines = list(disciplines)
    forwarded_to = (forwarded_to or "").strip()
    if status == Petition.Status.IN_SCOPE:
        allowed = discipline_choices(petition.authority_id)
        if not disciplines:
            errors["disciplines"] = ["请选择涉及的纪律（至少一项）。"]
        elif len({d.pk for d in disciplines} - set(allowed.values_list("pk", flat=True))):
            errors["disciplines"] = [
                ValidationError("所选纪律不属于本机构现行的六项纪律分类。", code="unknown_reference")
            ]
        if focus_area is None:
            errors["focus_area"] = ["请选择监督重点。"]
        elif not focus_choices(petition.authority_id).filter(pk=focus_area.pk).exists():
            errors["focus_area"] = [
                ValidationError("所选监督重点不属于本机构现行的监督重点，或不是末级条目。", code="unknown_reference")
            ]
    elif status == Petition.Status.OUT_OF_SCOPE:
        if not forwarded_to:
            errors["forwarded_to"] = ["不属于受理范围的，请填写转办单位。"]
        elif len(forwarded_to) > 100:
            errors["forwarded_to"] = ["转办单位不超过 100 字。"]
        if forwarded_on is None:
            errors["forwarded_on"] = ["请填写转办日期。"]
        elif forwarded_on > timezone.localdate():
            errors["forwarded_on"] = [ValidationError("转办日期不能晚于今天。", code="out_of_scope_date")]
    elif status == Petition.Status.DUPLICATE:
        if duplicate_of is None:
            errors["duplicate_of"] = ["请选择与之重复的信访件。"]
        elif duplicate_of.inspection_id != petition.inspection_id:
            errors["duplicate_of"] = [
                ValidationError("只能标记为本次巡察中其他信访件的重复件。", code="unknown_reference")
            ]
        elif duplicate_of.pk == petition.pk:
            errors["duplicate_of"] = ["不能标记为与自身重复。"]
        elif duplicate_of.duplicate_of_id == petition.pk:
            errors["duplicate_of"] = ["所选信访件已标记为本件的重复件，不能互相标记。"]
    else:
        errors["status"] = ["请选择分办结果：属于受理范围、不属于受理范围（转办）或重复件。"]
    if errors:
        raise ValidationError(errors)
    in_scope, out, dup = (
        status == Petition.Status.IN_SCOPE,
        status == Petition.Status.OUT_OF_SCOPE,
        status == Petition.Status.DUPLICATE,
    )
    with transaction.atomic():
        petition = Petition.objects.select_for_update().get(pk=petition.pk)
        petition.status = status
        petition.focus_area = focus_area if in_scope else None
        petition.forwarded_to = forwarded_to if out else ""
        petition.forwarded_on = forwarded_on if out else None
        petition.duplicate_of = duplicate_of if dup else None
        petition.triaged_by = actor
        petition.triaged_at = timezone.now()
        petition.save(update_fields=TRIAGE_FIELDS)
        petition.disciplines.set(disciplines if in_scope else [])
        audit_record(
            actor=actor,
            action="petition.triage",
            obj=petition,
            detail={
                "status": status,
                "disciplines": [d.name for d in disciplines] if in_scope else [],
                "focus_area": focus_area.name if in_scope and focus_area is not None else "",
                "forwarded_to": petition.forwarded_to,
                "forwarded_on": petition.forwarded_on,
                "duplicate_of": duplicate_of.pk if dup and duplicate_of is not None else None,
            },
        )
    return petition


def petition_message_add(
    *, actor, petition: Petition, body: str, internal: bool, uploads: Iterable = ()
) -> PetitionMessage:
    """A reply to the reporter (``internal`` False: readable with the receipt code) or an
    internal note (never shown to the reporter)."""
    access.check(actor, "change", petition)
    body = _body(body)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    uploads = _count_uploads(errors, uploads)
    if errors:
        raise ValidationError(errors)
    with _stored_files() as stored, transaction.atomic():
        message = PetitionMessage.objects.create(petition=petition, author=actor, body=body, internal=internal)
        files = _store(stored, actor=actor, inspection=petition.inspection, uploads=uploads, public=False)
        message.attachments.add(*files)
        audit_record(
            actor=actor,
            action="petition.note" if internal else "petition.reply",
            obj=petition,
            detail={"message": message.pk, "attachments": len(files)},
        )
    return message


# --- intake designation (信访受理人员) ----------------------------------------------------


def intake_candidates(inspection: Inspection):
    """Members of the inspection's team who have an account: those on the team's roster, and
    those holding a team role on the inspection (the roles the roster grants)."""
    roster = TeamMember.objects.filter(inspector__user__isnull=False).values("inspector__user")
    # An inspection not yet given a team has no roster (as team_id=None, i.e. IS NULL, found before).
    roster = roster.filter(team_id=inspection.team_id) if inspection.team_id is not None else roster.none()
    roles = RoleAssignment.objects.filter(
        role__in=access.TEAM_ROLES, scope_id=inspection.pk, authority_id=inspection.authority_id
    ).values("user")
    return User.objects.filter(Q(pk__in=roster) | Q(pk__in=roles), is_active=True).order_by("username")


def intake_members(inspection: Inspection):
    return User.objects.filter(
        role_assignments__role=access.TEAM_INTAKE,
        role_assignments__scope_id=inspection.pk,
        role_assignments__authority_id=inspection.authority_id,
    ).order_by("username")


def _designator(actor, inspection: Inspection) -> None:
    access.require(actor, "petition.designate_intake", inspection)


def intake_designate(*, actor, inspection: Inspection, user: User) -> None:
    """The team leader or the office designates a team member to open petitions and read
    reporters' identity on this inspection (the ``team_intake`` role)."""
    _designator(actor, inspection)
    if not intake_candidates(inspection).filter(pk=user.pk).exists():
        raise ValidationError({"user": [ValidationError("只能指定本巡察组中有账号的成员。", code="unknown_reference")]})
    if user.pk == actor.pk:
        raise ValidationError({"user": [ValidationError("不能指定自己，请由组长或巡察办指定。", code="self_action")]})
    if intake_members(inspection).filter(pk=user.pk).exists():
        raise ValidationError({"user": [ValidationError(f"{user.display_name}已是信访受理人员。", code="duplicate")]})
    with transaction.atomic():
        role_assign(
            actor=None, user=user, role=access.TEAM_INTAKE, authority=inspection.authority, scope_id=inspection.pk
        )
        audit_record(actor=actor, action="petition.intake_designate", obj=inspection, detail={"user": user.username})


def intake_revoke(*, actor, inspection: Inspection, user: User) -> None:
    _designator(actor, inspection)
    assignments = RoleAssignment.objects.filter(
        user=user, role=access.TEAM_INTAKE, scope_id=inspection.pk, authority_id=inspection.authority_id
    ).select_related("authority", "user")
    if not assignments:
        raise ValidationError(
            {"user": [ValidationError("该人员不是本次巡察的信访受理人员。", code="unknown_reference")]}
        )
    with transaction.atomic():
        for assignment in assignments:
            role_revoke(actor=None, assignment=assignment)
        audit_record(actor=actor, action="petition.intake_revoke", obj=inspection, detail={"user": user.username})


# --- the public channel ------------------------------------------------------------------


LOOKUP_MISS_WINDOW = 3600


def receipt_lookup(code: str, *, client: str) -> Petition | None:
    """The petition a receipt code opens for one public client (``client_tag``), or None.

    Limited per client, not per browser session (dropping the cookie starts nothing afresh):
    a few lookups a minute, and past a few wrong codes in the hour a delay that doubles with
    each further wrong code, so that one client guessing slows only itself. A ceiling on all
    lookups together stops guessing spread over many addresses. Raises ``RateLimited``.
    """
    cfg = settings.XUNCHA
    misses = f"lookup-miss:{client}"
    wait = rate_wait(
        misses, LOOKUP_MISS_WINDOW, free=int(cfg["PUBLIC_LOOKUP_FREE_MISSES"]), cap=int(cfg["PUBLIC_LOOKUP_MAX_DELAY"])
    )
    if wait:
        raise RateLimited(f"查询码多次输入错误，请 {wait} 秒后再试。")
    if not rate_take(f"lookup:{client}", int(cfg["PUBLIC_LOOKUPS_PER_MINUTE"]), 60):
        raise RateLimited("查询过于频繁，请一分钟后再试。")
    if not rate_take("lookup:*", int(cfg["PUBLIC_LOOKUPS_PER_MINUTE_ALL"]), 60):
        raise RateLimited("当前查询较多，请一分钟后再试。")
    petition = receipt_open(code)
    if petition is None:
        rate_miss(misses, LOOKUP_MISS_WINDOW)
    return petition


def receipt_normalise(code: str) -> str:
    """What the reporter typed, as the code was issued: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-]", "", code or "").upper()[:64]


def receipt_hash(code: str) -> str:
    return hashlib.sha256(receipt_normalise(code).encode()).hexdigest()


def public_open(inspection: Inspection) -> bool:
    return inspection.stage in PUBLIC_STAGES


def petition_submit_public(
    *,
    inspection: Inspection,
    subject: str,
    content: str,
    accused: str = "",
    anonymous: bool = True,
    name: str = "",
    phone: str = "",
    id_number: str = "",
    address: str = "",
    uploads: Iterable = (),
    client: str,
) -> tuple[Petition, str]:
    """A report from the public page or API (no account, no address recorded), from
    ``client`` (``core.ratelimit.client_tag``, for the limits of ``onsite.public_limits``).

    Returns the petition and its receipt code, which exists nowhere else afterwards (only its
    hash is kept). Raises ``ValidationError`` by field, and ``RateLimited`` past the client's
    or the inspection's limit for the hour.
    """
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not public_open(inspection):
        raise ValidationError(
            {"inspection": [ValidationError("本次巡察已结束受理，网上举报通道已关闭。", code="not_editable")]}
        )
    subject, content, accused = _text(errors, subject=subject, content=content, accused=accused)
    identity = _identity(errors, anonymous=anonymous, name=name, phone=phone, id_number=id_number, address=address)
    uploads = _count_uploads(errors, uploads)
    if errors:
        raise ValidationError(errors)
    public_submit_take(inspection, client)
    code = new_receipt_code()
    with _stored_files() as stored, transaction.atomic():
        petition = Petition.objects.create(
            authority_id=inspection.authority_id,
            inspection=inspection,
            channel=Petition.Channel.ONLINE,
            received_on=timezone.localdate(),
            subject=subject,
            content=content,
            accused=accused,
            anonymous=anonymous,
            identity=seal_json(identity),
            receipt_code_hash=receipt_hash(code),
        )
        files = _store(stored, actor=None, inspection=inspection, uploads=uploads, public=True)
        petition.attachments.add(*files)
        audit_record(
            actor=None,
            action="petition.submit",
            obj=petition,
            authority=inspection.authority,
            detail={"anonymous": anonymous, "attachments": len(files)},
        )
    return petition, code


def receipt_open(code: str) -> Petition | None:
    """The petition a receipt code opens (audited as ``petition.receipt_open``), or None: a
    wrong code and a missing petition look alike. Callers rate-limit (``receipt_lookup``)."""
    normal = receipt_normalise(code)
    if len(normal) < 16:
        return None
    petition = Petition.objects.filter(receipt_code_hash=receipt_hash(normal)).select_related("inspection").first()
    if petition is not None:
        audit_record(actor=None, action="petition.receipt_open", obj=petition, authority=petition.inspection.authority)
    return petition


def petition_public_state(petition: Petition) -> dict:
    """The petition's state in the reporter's words (for the receipt page): ``label`` (已提交,
    受理, 转办 or 办结), ``text`` (one sentence), ``on`` (the date it took that state, or None),
    and ``steps`` [(label, reached)]. A duplicate reads as the petition it was merged into.
    Says nothing of who triaged it or of the team's internal assessment."""
    merged = False
    seen = {petition.pk}
    while petition.status == Petition.Status.DUPLICATE and petition.duplicate_of_id not in (None, *seen):
        assert petition.duplicate_of is not None  # the loop's condition: a duplicate of another
        petition, merged = petition.duplicate_of, True
        seen.add(petition.pk)
    triaged_on = timezone.localdate(petition.triaged_at) if petition.triaged_at else None
    together = "您的反映已与反映同一问题的其他件合并办理。" if merged else ""
    if petition.status == Petition.Status.OUT_OF_SCOPE:
        to = f"转交{petition.forwarded_to}" if petition.forwarded_to else "转交有关单位"
        text = f"您反映的问题不属于本次巡察受理范围，已{to}办理。{together}"
        on = petition.forwarded_on or triaged_on
        return {"label": "转办", "text": text, "on": on, "steps": [("已提交", True), ("转办", True)]}
    if petition.status == Petition.Status.IN_SCOPE:
        if petition.inspection.stage not in PUBLIC_STAGES:
            text = f"巡察组已完成对您所反映问题的了解核实，有关情况已按规定处理。{together}"
            steps = [("已提交", True), ("受理", True), ("办结", True)]
            return {"label": "办结", "text": text, "on": None, "steps": steps}
        text = f"您反映的问题属于本次巡察受理范围，巡察组已受理，正在了解核实。{together}"
        steps = [("已提交", True), ("受理", True), ("办结", False)]
        return {"label": "受理", "text": text, "on": triaged_on, "steps": steps}
    text = "巡察组已收到您的反映，正在研究是否属于本次巡察受理范围。"
    steps = [("已提交", True), ("受理", False), ("办结", False)]
    return {"label": "已提交", "text": text, "on": petition.received_on, "steps": steps}


def reporter_additions(petition: Petition):
    """What the reporter added later with the receipt code, oldest first."""
    return petition.messages.filter(author__isnull=True, internal=False).order_by("created_at", "id")


def reporter_replies(petition: Petition):
    """What the reporter may read: the team's replies, never internal notes."""
    return petition.messages.filter(internal=False, author__isnull=False).order_by("created_at", "id")


def petition_add_information(*, petition: Petition, body: str, uploads: Iterable = ()) -> PetitionMessage:
    """The reporter (holding the receipt code) adds information, with optional attachments."""
    body = _body(body)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if petition.inspection.stage == Inspection.Stage.ARCHIVED:
        errors["body"] = [ValidationError("本次巡察已归档，不再接收补充材料。", code="not_editable")]
    uploads = _count_uploads(errors, uploads)
    if errors:
        raise ValidationError(errors)
    with _stored_files() as stored, transaction.atomic():
        message = PetitionMessage.objects.create(petition=petition, author=None, body=body, internal=False)
        files = _store(stored, actor=None, inspection=petition.inspection, uploads=uploads, public=True)
        message.attachments.add(*files)
        audit_record(
            actor=None,
            action="petition.public_add",
            obj=petition,
            authority=petition.inspection.authority,
            detail={"message": message.pk, "attachments": len(files)},
        )
    return message
