"""The four preparation documents of an inspection, in the official format.

工作方案 (work plan), 组长授权任职及任务分工的决定 (leader authorisation and task
division), 进驻通知 (entry notice) and 巡察公告 (public notice, with the QR code of
the online reporting page). The text follows what county offices issue; the format
is ``core.documents``. The county's name and the document-number formats (one per
register, 机关代字) are the authority's ``DocumentSettings``. A numbered document gets
its number (发文字号) and its date (成文日期) the first time the office generates it and
keeps both afterwards (``document_number_issue``, used by the later stages' documents too).
"""

from __future__ import annotations

import datetime
import io
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from core import access
from core.audit import audit_record, export_trace
from core.documents import DOCUMENT_KINDS, OfficialDocument, cn_date, cn_number, document_render
from planning.models import DocumentNumber, DocumentSettings, Inspection, InspectionKind, Team, TeamMember
from planning.stages import deadline_settings_for, deadlines, inspection_period

FORMAT_FIELDS = {"abbr", "year", "number"}

# The registers (机关代字) a 发文字号 is taken from, each with its own sequence per year; which
# document draws from which is ``core.documents.DOCUMENT_KINDS`` (``register``).
REGISTERS = {"office": "巡察办", "leading_group": "领导小组", "team": "巡察组", "letter": "函"}
REGISTER_FIELDS = {
    "office": "doc_number_format",
    "leading_group": "leading_group_format",
    "team": "team_format",
    "letter": "letter_format",
}


def document_settings_for(authority) -> DocumentSettings:
    """The authority's settings, or defaults derived from its name (中共青禾县委巡察工作领导小组办公室 → 青禾县)."""
    found = DocumentSettings.objects.filter(authority_id=authority.pk).first()
    if found:
        return found
    match = re.search(r"(?:中共)?(.+?[省市县区旗])(?:委|巡察)", authority.name)
    county = match.group(1) if match else authority.name
    return DocumentSettings(authority=authority, county_name=county, abbreviation=county[:1])


def team_code(name: str) -> str:
    """A team's 代字 in its register: 第一巡察组 → 一, 机动巡察组 → 机动."""
    return name.removeprefix("第").removesuffix("巡察组").removesuffix("组") or name


def doc_number_format_errors(fmt: str, register: str = "office") -> list[str]:
    allowed = FORMAT_FIELDS | ({"team"} if register == "team" else set())
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(fmt) if name is not None]
    except ValueError:
        return ["花括号不配对。"]
    errors = []
    if any(name not in allowed or spec or conv for name, spec, conv in fields):
        names = "、".join(f"{{{n}}}" for n in ("abbr", "year", "number", "team") if n in allowed)
        errors.append(f"只能使用 {names} 这些占位符。")
    used = {name for name, _, _ in fields}
    if "number" not in used:
        errors.append("须包含 {number}（当年序号）。")
    if register == "team" and "team" not in used:
        errors.append("须包含 {team}（组的序号），否则各组的发文字号会重复。")
    return errors


def document_settings_update(
    *,
    actor,
    authority,
    county_name: str,
    abbreviation: str,
    doc_number_format: str,
    leading_group_format: str | None = None,
    team_format: str | None = None,
    letter_format: str | None = None,
):
    """Save the authority's settings. A register's format left out keeps its current value;
    one left blank goes back to its default (derived from the abbreviation)."""
    access.check_authority(actor, "change", DocumentSettings, authority)
    current = document_settings_for(authority)
    given = {
        "doc_number_format": doc_number_format,
        "leading_group_format": leading_group_format,
        "team_format": team_format,
        "letter_format": letter_format,
    }
    formats = {}
    for register, name in REGISTER_FIELDS.items():
        value = given[name]
        if value is None:
            value = getattr(current, name)
        field = DocumentSettings._meta.get_field(name)
        assert isinstance(field, models.Field)
        formats[register] = value.strip() or field.default
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not county_name.strip():
        errors["county_name"] = ["请填写县（市、区）名称。"]
    for register, fmt in formats.items():
        if format_errors := doc_number_format_errors(fmt, register):
            errors[REGISTER_FIELDS[register]] = format_errors
    seen: dict[str, str] = {}
    for register, fmt in formats.items():
        if fmt in seen and REGISTER_FIELDS[register] not in errors:
            errors[REGISTER_FIELDS[register]] = [
                f"与{REGISTERS[seen[fmt]]}的格式相同，两个登记簿会编出相同的发文字号，请使用不同的机关代字。"
            ]
        seen.setdefault(fmt, register)
    if errors:
        raise ValidationError(errors)
    current.county_name = county_name.strip()
    current.abbreviation = abbreviation.strip()
    for register, name in REGISTER_FIELDS.items():
        setattr(current, name, formats[register])
    current.full_clean(exclude=["authority"])
    with transaction.atomic():
        current.save()
        audit_record(
            actor=actor,
            action="document_settings.update",
            obj=current,
            authority=authority,
            detail={"county_name": current.county_name, "formats": formats},
        )
    return current


def public_report_url(inspection: Inspection) -> str:
    """Where the public reports problems about this inspection online (the QR code of the notice)."""
    return f"{settings.XUNCHA['PUBLIC_URL'].rstrip('/')}/p/{inspection.public_id}/"


@dataclass
class _Facts:
    """What the four documents say about an inspection, worked out once."""

    inspection: Inspection
    inspection_team: Team  # the inspection's team, which _facts requires
    entry_on: datetime.date  # the inspection's entry date (planning.stages.inspection_period), which _facts requires
    committee: str  # 中共青禾县委
    leading_group: str
    team: str  # 中共青禾县委第一巡察组
    org: str  # 金竹乡党组织
    kind: str  # 常规巡察
    entry: str
    end: str
    members: list[TeamMember]
    due: dict[str, datetime.date]
    # The document's 成文日期: today when first written; once its number is issued, the date
    # fixed with it (inspection_document writes the document again with that date).
    on: datetime.date = field(default_factory=timezone.localdate)

    def of_role(self, role) -> list[TeamMember]:
        return [m for m in self.members if m.role == role]


def _facts(inspection: Inspection, doc_settings: DocumentSettings) -> _Facts:
    rnd = inspection.round
    changes = list(inspection.stage_changes.all())
    entry_on, onsite_end_on = inspection_period(inspection, changes)
    if not (entry_on and onsite_end_on):
        raise ValidationError(
            {
                "round": [
                    ValidationError(
                        f"第{rnd.number}轮尚未确定进驻日期和结束进驻日期，请先在轮次中填写。",
                        code="missing_prerequisite",
                    )
                ]
            }
        )
    if inspection.team is None:
        raise ValidationError(
            {"team": [ValidationError("该巡察尚未分配巡察组，请先在巡察组页面分配。", code="missing_prerequisite")]}
        )
    committee = f"中共{doc_settings.county_name}委"
    members = list(inspection.team.members.select_related("inspector").order_by("id"))
    order = list(TeamMember.Role.values)
    members.sort(key=lambda m: order.index(m.role))
    items = deadlines(inspection, deadline_settings_for(inspection.authority_id), changes)
    return _Facts(
        inspection=inspection,
        inspection_team=inspection.team,
        entry_on=entry_on,
        committee=committee,
        leading_group=f"{committee}巡察工作领导小组",
        team=f"{committee}{inspection.team.name}",
        org=f"{inspection.organization.name}党组织",
        kind=inspection.get_kind_display(),
        entry=cn_date(entry_on),
        end=cn_date(onsite_end_on),
        members=members,
        due={d.kind: d.due_on for d in items},
    )


def _names(members: list[TeamMember]) -> str:
    return "、".join(m.inspector.name for m in members) or "（未确定）"


DEFAULT_DUTIES = {
    TeamMember.Role.LEADER: "主持巡察组全面工作，对领导小组负责并报告工作，审定工作安排和巡察报告",
    TeamMember.Role.DEPUTY: "协助组长开展工作，负责个别谈话、问题线索梳理和巡察底稿审核",
    TeamMember.Role.LIAISON: "负责与被巡察党组织的联络协调、信访受理登记、资料调阅和保密管理",
    TeamMember.Role.MEMBER: "参加个别谈话、调阅资料、走访调研，撰写巡察底稿",
}


def _duty(m: TeamMember) -> str:
    return m.duty.strip().rstrip("。") or DEFAULT_DUTIES[TeamMember.Role(m.role)]


def _scope_sentence(f: _Facts) -> str:
    i = f.inspection
    if i.kind == InspectionKind.SPECIAL:
        return f"本次为专项巡察，主题为“{i.theme}”，围绕主题开展监督。"
    if i.kind == InspectionKind.LOOKBACK and i.revisits is not None:
        r = i.revisits.round
        return f"本次为巡察“回头看”，重点检查{r.term.name}第{cn_number(r.number)}轮巡察反馈问题的整改落实情况。"
    return ""


def work_plan(f: _Facts) -> OfficialDocument:
    due = f.due
    blocks = [
        (
            "p",
            f"根据《中国共产党巡视工作条例》和{f.committee}巡察工作规划，经{f.leading_group}研究，"
            f"{f.team}于{f.entry}至{f.end}对{f.org}开展{f.kind}。为确保巡察工作有序开展，制定本方案。",
        ),
        ("h1", "一、指导思想"),
        (
            "p",
            "以习近平新时代中国特色社会主义思想为指导，全面贯彻巡视工作方针，坚持发现问题、形成震慑，"
            "推动改革、促进发展，紧扣“四个聚焦”，做实政治监督，推动被巡察党组织全面从严治党向基层延伸。",
        ),
        ("h1", "二、巡察对象和时间"),
        (
            "p",
            f"巡察对象为{f.org}领导班子及其成员，延伸了解下一级党组织领导班子主要负责人和重要岗位领导干部。"
            f"进驻时间为{f.entry}至{f.end}。{_scope_sentence(f)}",
        ),
        ("h1", "三、巡察组组成"),
        (
            "p",
            f"组长：{_names(f.of_role(TeamMember.Role.LEADER))}；副组长：{_names(f.of_role(TeamMember.Role.DEPUTY))}；"
            f"联络员：{_names(f.of_role(TeamMember.Role.LIAISON))}；成员：{_names(f.of_role(TeamMember.Role.MEMBER))}。",
        ),
        ("h1", "四、巡察内容"),
        ("h2", "（一）聚焦贯彻落实党的路线方针政策和党中央决策部署情况"),
        ("p", "重点了解贯彻落实上级决策部署和县委工作要求、履行职能责任、推动本地本单位发展等方面的情况。"),
        ("h2", "（二）聚焦群众身边腐败问题和不正之风"),
        ("p", "重点了解惠民富民、促进共同富裕政策落实，集体“三资”管理，以及形式主义、官僚主义等问题。"),
        ("h2", "（三）聚焦基层党组织软弱涣散、组织力欠缺问题"),
        ("p", "重点了解基层党组织建设、领导班子建设、干部队伍建设和落实全面从严治党“两个责任”情况。"),
        ("h2", "（四）聚焦巡视巡察整改和成果运用情况"),
        ("p", "重点了解上一轮巡视巡察、审计等监督发现问题的整改落实和成果运用情况。"),
        ("h1", "五、方式方法"),
        (
            "p",
            "采取听取工作汇报、个别谈话、受理信访、调阅资料、列席会议、召开座谈会、问卷调查、"
            "民主测评、实地走访、下沉了解等方式开展工作。",
        ),
        ("h1", "六、时间安排"),
        ("h2", "（一）准备阶段"),
        (
            "p",
            f"学习有关政策文件，收集被巡察党组织有关情况，制定工作方案；"
            f"于{cn_date(due['entry_notice'])}前向被巡察党组织发出进驻通知。",
        ),
        ("h2", "（二）进驻了解阶段"),
        ("p", f"{f.entry}进驻，召开巡察工作动员会，公布巡察公告，开展个别谈话等工作；{f.end}结束进驻。"),
        ("h2", "（三）报告阶段"),
        ("p", f"汇总梳理发现的问题，形成巡察报告，于{cn_date(due['report'])}前向{f.leading_group}报告。"),
        ("h2", "（四）反馈和移交阶段"),
        (
            "p",
            f"按照{f.leading_group}会议和{f.committee}书记专题会议审定的意见向被巡察党组织反馈，"
            "按规定移交问题线索和有关问题。",
        ),
        ("h1", "七、工作要求"),
        (
            "p",
            "严守政治纪律和政治规矩，严格执行中央八项规定及其实施细则精神，严格遵守保密纪律，"
            "不干预被巡察党组织的正常工作，不履行执纪审查职责，以严的作风确保巡察工作质量。",
        ),
    ]
    return OfficialDocument(
        kind="work_plan",
        title=f"{f.team}关于对{f.org}开展{f.kind}的工作方案",
        title_words=[f.org],
        blocks=blocks,
        signature=f.team,
        date=f.on,
    )


def authorization(f: _Facts) -> OfficialDocument:
    leaders = f.of_role(TeamMember.Role.LEADER)
    if not leaders:
        raise ValidationError(
            {
                "team": [
                    ValidationError(
                        f"{f.inspection_team.name}尚未确定组长，不能生成组长授权任职决定。", code="missing_prerequisite"
                    )
                ]
            }
        )
    leader = leaders[0].inspector
    rnd = f.inspection.round
    blocks = [
        (
            "p",
            f"根据《中国共产党巡视工作条例》和{f.committee}巡察工作有关规定，经研究，"
            f"决定对{f.committee}第{cn_number(rnd.number)}轮巡察{f.inspection_team.name}实行组长授权负责制，"
            f"并明确任务分工如下。",
        ),
        ("h1", "一、巡察对象"),
        ("p", _team_targets_and_periods(f)),
        ("h1", "二、组长授权任职"),
        (
            "p",
            f"授权{leader.name}同志任{f.team}组长，在{f.leading_group}领导下开展工作，对领导小组负责并报告工作。"
            "巡察期间，组长按照授权主持组务会，审定谈话、调阅资料、走访调研等工作安排，审核巡察底稿和巡察报告，"
            "发现重要情况和重大问题及时向领导小组报告。",
        ),
        ("h1", "三、任务分工"),
        *[
            ("p", f"{m.inspector.name}（{m.inspector.unit}{m.inspector.post}）：{m.get_role_display()}，{_duty(m)}。")
            for m in f.members
        ],
    ]
    return OfficialDocument(
        kind="authorization",
        title=f"{f.leading_group}关于{f.inspection_team.name}组长授权任职及任务分工的决定",
        title_words=[f.inspection_team.name],
        blocks=blocks,
        signature=f.leading_group,
        printer=f"{f.leading_group}办公室",
        date=f.on,
    )


def _team_targets_and_periods(f: _Facts) -> str:
    """The team's targets and when each is inspected: one period for all when they share it,
    else each its own (a special inspection keeps its own dates). The decision is one for the
    team, so it reads the same whichever of its inspections it is written from."""
    team = f.inspection_team.inspections.select_related("organization", "round").prefetch_related("stage_changes")
    inspections = list(team.order_by("organization__code"))
    periods = [inspection_period(i) for i in inspections]  # from the prefetched stage changes
    if len(set(periods)) == 1:
        entry, end = periods[0]
        when = f"巡察时间为{cn_date(entry)}至{cn_date(end)}" if entry and end else "巡察时间另行通知"
        return f"{'、'.join(f'{i.organization.name}党组织' for i in inspections)}。{when}。"
    parts = [
        f"{i.organization.name}党组织（{cn_date(entry)}至{cn_date(end)}）"
        if entry and end
        else f"{i.organization.name}党组织（时间另行通知）"
        for i, (entry, end) in zip(inspections, periods, strict=True)
    ]
    return f"{'、'.join(parts)}。"


def _contacts(f: _Facts) -> tuple[str, str, str]:
    team = f.inspection_team
    blank = "＿＿＿＿＿＿"
    return team.duty_phone or blank, team.mailbox or blank, team.email or blank


def entry_notice(f: _Facts) -> OfficialDocument:
    phone, _, _ = _contacts(f)
    liaison = _names(f.of_role(TeamMember.Role.LIAISON))
    meeting_list_due = f.entry_on - datetime.timedelta(days=2)
    # A notice dated on or after the entry day (sent late, or written afterwards for the file)
    # says what happens as it stands on its date: no "will enter" on a past day, no deadline
    # already gone.
    late = f.on >= f.entry_on
    meeting = f"{f.entry}召开巡察工作动员会" if f.on > f.entry_on else "进驻当日召开巡察工作动员会"
    names_due = (
        "请将参会人员名单报巡察组备案。"
        if f.on > meeting_list_due
        else f"请于{cn_date(meeting_list_due)}前将参会人员名单报巡察组。"
    )
    blocks = [
        (
            "p",
            f"根据{f.committee}巡察工作安排，经{f.leading_group}研究决定，{f.team}{'于' if late else '将于'}{f.entry}"
            f"进驻{f.org}开展{f.kind}，{f.end}结束进驻。{_scope_sentence(f)}现将有关事项通知如下。",
        ),
        ("h1", "一、召开巡察工作动员会"),
        (
            "p",
            f"{meeting}，由巡察组组长作动员讲话，被巡察党组织主要负责人作表态发言。"
            f"参会范围为领导班子成员、内设机构和下属单位主要负责人等。{names_due}",
        ),
        ("h1", "二、准备有关资料"),
        (
            "p",
            f"请{'及时' if late else '于进驻前'}准备以下资料：领导班子及其成员基本情况，近三年工作总结和年度工作要点，"
            "“三重一大”事项决策记录，财务收支情况，干部选拔任用情况，上一轮巡视巡察和审计发现问题整改情况。",
        ),
        ("h1", "三、做好保障工作"),
        (
            "p",
            "请指定一名联络员，负责与巡察组的联络协调；为巡察组提供必要的工作场所和办公条件，"
            "在机关醒目位置设置巡察意见箱。",
        ),
        ("h1", "四、张贴巡察公告"),
        (
            "p",
            "请在单位及下属单位醒目位置张贴巡察公告，公布巡察组值班电话、邮政信箱、电子邮箱和在线举报二维码，"
            "张贴时间自进驻之日起至结束进驻之日止。",
        ),
        ("p", f"巡察组联系人：{liaison}，联系电话：{phone}。"),
    ]
    return OfficialDocument(
        kind="entry_notice",
        title=f"{f.team}关于进驻{f.org}开展{f.kind}的通知",
        title_words=[f.org],
        recipient=f.org,
        blocks=blocks,
        signature=f.team,
        date=f.on,
    )


def _qr_png(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=10, border=2)
    return buf.getvalue()


def public_notice(f: _Facts) -> OfficialDocument:
    phone, mailbox, email = _contacts(f)
    url = public_report_url(f.inspection)
    blocks: list[tuple[str, str | bytes]] = [
        (
            "p",
            f"根据{f.committee}统一部署，{f.team}于{f.entry}至{f.end}对{f.org}开展{f.kind}。{_scope_sentence(f)}"
            f"巡察期间，主要受理反映{f.org}领导班子及其成员、下一级党组织领导班子主要负责人和重要岗位领导干部问题的"
            "来信来电来访，重点是违反政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律等方面的举报和反映。"
            "其他不属于巡察受理范围的信访问题，将按规定转交被巡察党组织和有关部门处理。",
        ),
        ("p", f"受理时间：{f.entry}至{f.end}，每天8:00—18:00。"),
        ("p", f"值班电话：{phone}"),
        ("p", f"邮政信箱：{mailbox}"),
        ("p", f"电子邮箱：{email}"),
        ("p", "扫描下方二维码可在线反映问题，可以匿名。"),
        ("image", _qr_png(url)),
    ]
    return OfficialDocument(
        kind="public_notice",
        title=f"{f.team}关于巡察{f.org}的公告",
        title_words=[f.org],
        blocks=blocks,
        signature=f.team,
        date=f.on,
    )


@dataclass(frozen=True)
class DocumentKind:
    label: str
    build: Callable[[_Facts], OfficialDocument]
    kind: str  # its row of DOCUMENT_KINDS, which says whether it is numbered and from which register

    @property
    def numbered(self) -> bool:
        return bool(DOCUMENT_KINDS[self.kind].register)


DOCUMENTS = {
    "work-plan": DocumentKind("巡察工作方案", work_plan, "work_plan"),
    "authorization": DocumentKind("组长授权任职及任务分工的决定", authorization, "authorization"),
    "entry-notice": DocumentKind("进驻通知", entry_notice, "entry_notice"),
    "public-notice": DocumentKind("巡察公告", public_notice, "public_notice"),
}


TEAM_DOCUMENTS = {"authorization"}


def register_of(document_kind: str, inspection: Inspection) -> tuple[str, str]:
    """The register a document of ``document_kind`` (a key of ``DOCUMENT_KINDS``) about
    ``inspection`` takes its number from, as (key, format name): ``("team:一", "team")``."""
    register = DOCUMENT_KINDS[document_kind].register
    assert register in REGISTERS, f"{document_kind} has no number"
    if register == "team":
        # Only builders that have refused an inspection without a team reach here.
        assert inspection.team is not None
        return f"team:{team_code(inspection.team.name)}", register
    return register, register


def _number_text(doc_settings: DocumentSettings, register: str, inspection: Inspection, year: int, number) -> str:
    values = {"abbr": doc_settings.abbreviation, "year": year, "number": number}
    if register == "team":
        assert inspection.team is not None
        values["team"] = team_code(inspection.team.name)
    return getattr(doc_settings, REGISTER_FIELDS[register]).format(**values)


@dataclass(frozen=True)
class IssuedNumber:
    """A document's number and its date (成文日期), as printed on every download."""

    text: str
    dated_on: datetime.date


def document_number_issue(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    document_kind: str,
    doc_settings: DocumentSettings,
    on: datetime.date,
    refuse_field: str = "",
) -> IssuedNumber:
    """The document's number and date; issued (once, in sequence for the year in the register
    of its ``document_kind``) only when the office generates it, or the system (``actor``
    None: the daily reminders number their notices). Afterwards every download gets the same
    number and the same date.

    ``kind`` names the document within the inspection (later stages use e.g. ``transfer-12``);
    ``on`` is the date the document would bear (成文日期). Numbers follow dates within a register
    and year: when a later-dated number was issued already, a document dated by the person
    taking the number in the same step (``refuse_field``: the form's date field) is refused
    with a ``ValidationError`` on that field; any other is dated the day its number is taken
    (see docs/decisions/0009-document-numbers.md)."""
    same = DocumentNumber.objects.filter(kind=kind)
    if kind in TEAM_DOCUMENTS:  # one decision for the whole team, whichever of its inspections it is made from
        # Only inspection_document issues these, after _facts has refused an inspection without a team.
        assert inspection.team_id is not None
        same = same.filter(inspection__team_id=inspection.team_id)
    else:
        same = same.filter(inspection=inspection)
    found = same.first()
    if found:
        return IssuedNumber(found.text, found.dated_on)
    key, register = register_of(document_kind, inspection)
    if actor is not None and not access.may(actor, "document.number", inspection):
        return IssuedNumber(
            _number_text(doc_settings, register, inspection, on.year, "　　"), on
        )  # the office numbers it
    with transaction.atomic():
        if doc_settings.pk is None:
            doc_settings.save()
        DocumentSettings.objects.select_for_update().get(pk=doc_settings.pk)  # one issuer at a time
        issued = DocumentNumber.objects.filter(authority_id=inspection.authority_id, register=key)
        later = issued.filter(year=on.year, dated_on__gt=on).order_by("-dated_on", "-number").first()
        dated_on = on
        if later is not None:
            if refuse_field:
                raise ValidationError(
                    {
                        refuse_field: [
                            ValidationError(
                                f"日期不能早于{cn_date(later.dated_on)}：{REGISTERS[register]}登记簿本年度的"
                                f"{later.text}已于该日成文，发文字号须按成文日期先后编号。"
                                f"请改为{cn_date(later.dated_on)}或之后的日期。",
                                code="number_order",
                            )
                        ]
                    }
                )
            dated_on = max(timezone.localdate(), later.dated_on)
        year = dated_on.year
        number = (issued.filter(year=year).aggregate(n=Max("number"))["n"] or 0) + 1
        text = _number_text(doc_settings, register, inspection, year, number)
        DocumentNumber.objects.create(
            authority_id=inspection.authority_id,
            inspection=inspection,
            kind=kind,
            register=key,
            year=year,
            number=number,
            text=text,
            dated_on=dated_on,
            issued_by=actor,
        )
        audit_record(
            actor=actor,
            action="document.number",
            obj=inspection,
            detail={"kind": kind, "register": key, "number": text, "dated_on": dated_on.isoformat()},
        )
    return IssuedNumber(text, dated_on)


def inspection_document(*, actor, inspection: Inspection, kind: str) -> tuple[str, bytes]:
    """One preparation document of ``inspection`` as (file name, .docx bytes); audited as an export.

    Raises ``Http404`` if the actor cannot see the inspection and ``ValidationError``
    when the document cannot be written yet (no team, no leader, no round dates).
    """
    access.check(actor, "view", inspection)
    if kind not in DOCUMENTS:
        raise ValidationError({"kind": [ValidationError("未知的文书类型。", code="unknown_choice")]})
    spec = DOCUMENTS[kind]
    doc_settings = document_settings_for(inspection.authority)
    facts = _facts(inspection, doc_settings)
    document = spec.build(facts)
    if document.spec.register:
        issued = document_number_issue(
            actor=actor,
            inspection=inspection,
            kind=kind,
            document_kind=document.kind,
            doc_settings=doc_settings,
            on=facts.on,
        )
        if issued.dated_on != facts.on:  # as when first issued: its text follows its date
            facts.on = issued.dated_on
            document = spec.build(facts)
        document.doc_number, document.date = issued.text, issued.dated_on
    document.trace = export_trace(actor)
    data = document_render(document)
    audit_record(
        actor=actor,
        action="document.export",
        obj=inspection,
        detail={"kind": kind, "number": document.doc_number},
    )
    return f"{inspection.organization.name}-{spec.label}.docx", data
