"""Round seven's on-site work in the demo county: a special inspection (专项巡察) of 县财政局
by 第一巡察组, now on site, with petitions, talks, document requests, surveys, working
papers and findings (fictional people and facts).

Everything goes through the services, as the pages would do it: the audit trail, the sealed
identities and the rules are real. ``actor`` is None (the system) where a service allows it;
where the record keeps who acted (who entered or triaged a petition, who reviewed a document,
who wrote or reviewed a paper) the team's demo accounts act.

The special inspections of round seven are extra inspections of organisations covered in
rounds one to six: the eleven regular targets stay in preparation, so coverage is unchanged.
The helpers here are shared with ``demo.results`` (the other three teams).
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from core.idnumber import id_number_check_char
from core.models import User
from onsite.document_requests import document_request_create, document_request_receive, document_request_review
from onsite.focus import focus_current
from onsite.interviews import interview_create, interview_record, interviews_plan_from_leaders
from onsite.models import FocusArea, Interview
from onsite.papers import (
    working_paper_approve,
    working_paper_create,
    working_paper_return,
    working_paper_submit,
)
from onsite.petitions import (
    intake_designate,
    petition_create,
    petition_message_add,
    petition_submit_public,
    petition_triage,
)
from onsite.surveys import survey_create, survey_results_import
from planning.inspections import inspection_create
from planning.models import Inspection, Team, TeamMember
from planning.stages import inspection_advance
from planning.teams import ConflictsFound, inspection_assign_team
from registry.models import OrganizationLeader
from registry.organizations import organization_leader_add

D = datetime.date
ORGANIZATION = "县财政局"
THEME = "财政资金分配和管理使用"
ONSITE_ON = D(2026, 10, 19)
LEADERS = [("宋建华", "党组书记、局长", D(2022, 3, 1)), ("邱雅文", "党组成员、副局长", D(2023, 8, 15))]
# A photo sent with a public report (a valid 1×1 PNG).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc8q\xe2\x04\x00\x04\xb4\x02Y\x16.\x81@\x00\x00\x00\x00IEND\xaeB`\x82"
)


# Shared helpers ------------------------------------------------------------------------


def user(username: str) -> User:
    """The account, read afresh: ``core.access`` caches the roles on the object, and the demo
    grants roles as it goes (team assignment, intake)."""
    return User.objects.get(username=username)


def id_number(first17: str) -> str:
    """A resident ID number with its GB 11643 check digit."""
    return first17 + id_number_check_char(first17)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def areas(authority) -> dict[str, FocusArea]:
    """The current focus-area version by code (F2.1 …, D1 … for the disciplines)."""
    return {a.code: a for a in FocusArea.objects.filter(taxonomy=focus_current(authority.pk))}


def special_inspection(*, round7, organization, team_name: str, theme: str, onsite_on: datetime.date) -> Inspection:
    """A special inspection of ``organization`` in round seven, given to ``team_name`` and on site
    from ``onsite_on`` (the callers look for an existing one first: ``existing_special``)."""
    inspection = inspection_create(
        actor=None, round=round7, organization=organization, kind="special", stage="preparation", theme=theme
    )
    team = Team.objects.get(round=round7, name=team_name)
    try:
        inspection_assign_team(actor=None, inspection=inspection, team=team, on=onsite_on)
    except ConflictsFound:
        inspection_assign_team(
            actor=None,
            inspection=inspection,
            team=team,
            on=onsite_on,
            decision_reason="专项巡察，经巡察办研究同意由原组承担，有关人员分工回避",
        )
    inspection_advance(actor=None, inspection=inspection, to_stage="onsite", on=onsite_on)
    return inspection


def existing_special(round7, organization) -> Inspection | None:
    return Inspection.objects.filter(round=round7, organization=organization, kind="special").first()


def members(inspection: Inspection) -> dict[str, TeamMember]:
    """The team's members by name (the interviewers of talks)."""
    return {m.inspector.name: m for m in TeamMember.objects.filter(team=inspection.team).select_related("inspector")}


def xlsx(header: list[str], rows: list[list]) -> bytes:
    """A workbook built in memory, as a user would fill in the import template."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def talk(inspection, team, *, who, post, category, planned_on, held=None, by=(), notes="", place=""):
    """A planned talk, and its record when ``held`` (a datetime) is given."""
    interview = interview_create(
        actor=None, inspection=inspection, interviewee=who, post=post, category=category, planned_on=planned_on
    )
    if held is not None:
        interview_record(
            actor=None,
            interview=interview,
            held_at=held,
            interviewers=[team[n] for n in by],
            place=place or "巡察组谈话室",
            notes=notes,
        )
    return interview


def document(inspection, *, title, requested_on, due_on, received_on=None, reviewer=None, reviewed_on=None, note=""):
    request = document_request_create(
        actor=None, inspection=inspection, title=title, requested_on=requested_on, due_on=due_on, note=note
    )
    if received_on is not None:
        document_request_receive(actor=None, document_request=request, received_on=received_on)
    if reviewer is not None:
        document_request_review(actor=user(reviewer), document_request=request, reviewed_on=reviewed_on)
    return request


def paper(inspection, *, author, title, facts, rule="", evidence=None):
    """A draft working paper with its evidence ({"petitions": […], "interviews": […], …})."""
    return working_paper_create(
        actor=user(author), inspection=inspection, title=title, facts=facts, rule=rule, **(evidence or {})
    )


def approve(paper_, *, author, reviewer, focus, severity="general", people="", amount=None, **finding):
    """Submit ``paper_`` as its author and approve it as ``reviewer``: the finding."""
    working_paper_submit(actor=user(author), paper=paper_)
    return working_paper_approve(
        actor=user(reviewer), paper=paper_, focus_area=focus, severity=severity, people=people, amount=amount, **finding
    )


# 县财政局 -------------------------------------------------------------------------------


def load_onsite(*, qh, orgs_by_name, round7) -> Inspection | None:
    """The special inspection of 县财政局 on site, and all it gathered. Idempotent: once the
    inspection exists nothing is done (None is answered)."""
    org = orgs_by_name[ORGANIZATION]
    if existing_special(round7, org) is not None:
        return None
    for name, post, start in LEADERS:
        if not OrganizationLeader.objects.filter(organization=org, name=name).exists():
            organization_leader_add(actor=None, organization=org, name=name, post=post, start_on=start)
    inspection = special_inspection(
        round7=round7, organization=org, team_name="第一巡察组", theme=THEME, onsite_on=ONSITE_ON
    )
    intake_designate(actor=user("qh_leader"), inspection=inspection, user=user("qh_liaison"))
    fa = areas(qh)
    petitions = _petitions(inspection, fa)
    talks = _talks(inspection)
    documents = _documents(inspection)
    _surveys(inspection)
    _papers(inspection, fa, petitions, talks, documents)
    return inspection


def _petitions(inspection, fa) -> dict:
    liaison = user("qh_liaison")  # designated for intake: enters, triages and answers
    p = {}

    def staff(key, channel, received_on, subject, content, accused="", reporter=None):
        identity = {"anonymous": True}
        if reporter:
            name, phone, first17, address = reporter
            identity = {
                "anonymous": False,
                "name": name,
                "phone": phone,
                "id_number": id_number(first17),
                "address": address,
            }
        p[key] = petition_create(
            actor=liaison,
            inspection=inspection,
            channel=channel,
            received_on=received_on,
            subject=subject,
            content=content,
            accused=accused,
            **identity,
        )

    def public(key, subject, content, accused="", uploads=()):
        p[key], _code = petition_submit_public(
            inspection=inspection,
            subject=subject,
            content=content,
            accused=accused,
            uploads=uploads,
            client=f"demo:{key}",  # each demo reporter on their own phone
        )

    staff(
        "subsidy",
        "letter",
        D(2026, 10, 21),
        "反映县财政局农业股在耕地地力保护补贴发放中优亲厚友",
        "县财政局农业股股长李某某在2025年耕地地力保护补贴资金审核发放中，把不符合条件的亲属和熟人"
        "列入补贴名单，虚报种植面积，多发补贴资金，群众意见很大。",
        accused="李某某（县财政局农业股股长）",
        reporter=("陈德明", "13907391256", "43902319680315203", "青禾县石门镇上坪村三组"),
    )
    public(
        "subsidy_again",
        "县财政局农业股发放耕地补贴照顾亲友",
        "我们村有人根本没种地，却领到了耕地地力保护补贴，听说是县财政局农业股股长李某某的亲戚。"
        "农业股审核补贴名单时优亲厚友，虚报面积多发补贴，请巡察组查一查。",
        accused="李某某",
    )
    staff(
        "property",
        "phone",
        D(2026, 11, 3),
        "反映所住小区物业公司乱收停车费",
        "来电人反映其居住的城东小区物业公司自今年起擅自提高停车费标准，业主多次协商未果。",
        reporter=("刘春梅", "0739-7216688", "43902319790822104", "青禾县东湖街道城东小区"),
    )
    staff(
        "allocation",
        "visit",
        D(2026, 10, 28),
        "反映2025年三笔专项资金分配未经党组集体研究",
        "来访人反映，县财政局2025年下达的乡村道路维修、产业扶持和社区服务三笔专项资金共1250万元，"
        "分配方案未提交党组会研究，由主要负责人个人审批后即下达。",
        accused="县财政局主要负责人",
        reporter=("黄志坚", "13807395518", "43902319720506301", "青禾县青禾镇建设路18号"),
    )
    public(
        "car",
        "县财政局领导节假日公车私用",
        "今年国庆假期，县财政局一辆公务用车多次停在城南农贸市场和某小区，有局领导家属乘坐。"
        "希望巡察组调取车辆使用记录核实。",
        uploads=[SimpleUploadedFile("公车停放照片.png", PNG, content_type="image/png")],
    )
    staff(
        "decisions",
        "letter",
        D(2026, 10, 24),
        "匿名信：党组会研究重大资金分配走过场",
        "县财政局党组会研究“三重一大”事项时不提前发会议材料，班子成员不充分发表意见，"
        "重大资金分配实际上由主要负责人一人说了算。",
    )
    staff(
        "rectification",
        "email",
        D(2026, 11, 10),
        "上一轮巡察反馈的国库集中支付问题至今未整改",
        "2023年县委第三轮巡察反馈县财政局国库集中支付管理不规范、代编预算长期挂账，"
        "整改报告称已完成整改，但据了解代编预算挂账问题至今依旧存在。",
        reporter=("谭晓红", "13517396603", "43902319851130206", "青禾县东湖街道滨湖社区"),
    )
    staff(
        "grants",
        "mailbox",
        D(2026, 11, 12),
        "惠企奖补资金审核不严，部分企业虚报材料",
        "县财政局会同有关部门审核2025年工业企业奖补资金时只看材料不核实，有的企业虚报产值和用工人数获得奖补。",
    )
    public(
        "attitude",
        "县财政局个别干部办事推诿、上班玩手机",
        "到县财政局办理项目资金拨付手续，经办人员上班时间玩手机游戏，材料齐全仍让来回跑了三四趟。",
    )
    staff(
        "welfare",
        "visit",
        D(2026, 11, 18),
        "反映乡镇财政所截留农村低保资金",
        "来访人反映，石门镇财政所在发放2025年农村低保资金时，以“统筹使用”为名截留部分资金，部分低保户未足额领取。",
        accused="石门镇财政所",
        reporter=("罗桂英", "15974390127", "43902319600918402", "青禾县石门镇下湾村五组"),
    )

    def in_scope(key, focus, *disciplines):
        petition_triage(
            actor=liaison,
            petition=p[key],
            status="in_scope",
            focus_area=fa[focus],
            disciplines=[fa[d] for d in disciplines],
        )

    in_scope("subsidy", "F2.1", "D3", "D4")
    petition_triage(actor=liaison, petition=p["subsidy_again"], status="duplicate", duplicate_of=p["subsidy"])
    petition_triage(
        actor=liaison,
        petition=p["property"],
        status="out_of_scope",
        forwarded_to="县信访局",
        forwarded_on=D(2026, 11, 5),
    )
    in_scope("allocation", "F3.2", "D2")
    in_scope("car", "F2.3", "D3")
    in_scope("decisions", "F3.2", "D1", "D2")
    in_scope("rectification", "F4.1", "D5")
    in_scope("grants", "F1.3", "D5")
    in_scope("attitude", "F2.4", "D4", "D5")
    in_scope("welfare", "F2.1", "D4")
    petition_message_add(
        actor=liaison,
        petition=p["car"],
        body="您反映的问题已收悉。巡察组已调取该车辆国庆假期的使用登记和行车轨迹，正在核实，感谢您的监督。",
        internal=False,
    )
    petition_message_add(
        actor=liaison,
        petition=p["car"],
        body="已请县机关事务服务中心提供该车9月30日至10月8日的GPS轨迹。",
        internal=True,
    )
    return p


def _talks(inspection) -> dict:
    team = members(inspection)
    t = {}
    plan = interviews_plan_from_leaders(actor=None, inspection=inspection, planned_on=D(2026, 10, 21))
    leaders = {i.interviewee: i for i in plan.created}
    leader, deputy = leaders["宋建华"], leaders["邱雅文"]
    interview_record(
        actor=None,
        interview=leader,
        held_at=at(D(2026, 10, 21), 9, 30),
        interviewers=[team["刘卫东"], team["赵敏"]],
        place="县财政局三楼会议室",
        notes="宋建华介绍了局党组落实全面从严治党主体责任和财政资金分配管理的总体情况。"
        "对2025年三笔专项资金分配未经党组会研究的问题，称“时间紧、先办后补”，承认程序不规范。",
    )
    interview_record(
        actor=None,
        interview=deputy,
        held_at=at(D(2026, 10, 22), 15, 0),
        interviewers=[team["赵敏"], team["黄丽娟"]],
        place="县财政局三楼会议室",
        notes="邱雅文分管农业股和预算股。谈到耕地地力保护补贴由农业股审核后直接报送，局里未组织抽查复核。",
    )
    t["leader"], t["deputy"] = leader, deputy
    t["agri"] = talk(
        inspection,
        team,
        who="李文辉",
        post="农业股股长",
        category=Interview.Category.KEY_POST,
        planned_on=D(2026, 10, 27),
        held=at(D(2026, 10, 27), 10, 0),
        by=("黄丽娟", "钱志强"),
        notes="李文辉承认2025年补贴名单中有其表弟等3户种植面积按承包面积而非实际种植面积申报，"
        "称“不了解政策”，对多发资金数额表示需要核对。",
    )
    t["budget"] = talk(
        inspection,
        team,
        who="周晓燕",
        post="预算股股长",
        category=Interview.Category.KEY_POST,
        planned_on=D(2026, 10, 29),
        held=at(D(2026, 10, 29), 14, 30),
        by=("赵敏", "钱志强"),
        notes="周晓燕介绍了代编预算的编制和调整流程，确认2023年巡察指出的代编预算挂账问题仍有2100余万元未清理。",
    )
    t["treasury"] = talk(
        inspection,
        team,
        who="吴国栋",
        post="国库集中支付中心主任",
        category=Interview.Category.SUBORDINATE_HEAD,
        planned_on=D(2026, 11, 4),
        held=at(D(2026, 11, 4), 9, 0),
        by=("孙浩然", "黄丽娟", "汪洋"),
        notes="吴国栋介绍了惠企奖补资金拨付流程，称企业申报材料由主管部门初审，财政部门只做形式审核。",
    )
    talk(
        inspection,
        team,
        who="马丽",
        post="综合股科员",
        category=Interview.Category.STAFF,
        planned_on=D(2026, 12, 2),
    )
    talk(
        inspection,
        team,
        who="陈立平",
        post="石门镇财政所所长",
        category=Interview.Category.SUBORDINATE_HEAD,
        planned_on=D(2026, 12, 3),
    )
    talk(
        inspection,
        team,
        who="彭海燕",
        post="政府采购股股长",
        category=Interview.Category.KEY_POST,
        planned_on=D(2026, 12, 4),
    )
    return t


def _documents(inspection) -> dict:
    asked = D(2026, 10, 20)
    d = {}
    d["minutes"] = document(
        inspection,
        title="2024年以来局党组会议记录和纪要",
        requested_on=asked,
        due_on=D(2026, 10, 23),
        received_on=D(2026, 10, 22),
        reviewer="qh_deputy",
        reviewed_on=D(2026, 10, 26),
    )
    d["subsidy"] = document(
        inspection,
        title="2025年耕地地力保护补贴发放花名册和审核表",
        requested_on=asked,
        due_on=D(2026, 10, 23),
        received_on=D(2026, 10, 23),
        reviewer="qh_member",
        reviewed_on=D(2026, 10, 27),
    )
    d["budget"] = document(
        inspection,
        title="2023年至2025年代编预算执行和结转明细",
        requested_on=asked,
        due_on=D(2026, 10, 27),
        received_on=D(2026, 10, 27),
        reviewer="qh_member",
        reviewed_on=D(2026, 11, 2),
    )
    d["grants"] = document(
        inspection,
        title="2025年工业企业奖补资金申报审核材料",
        requested_on=D(2026, 10, 30),
        due_on=D(2026, 11, 6),
        received_on=D(2026, 11, 5),
    )
    d["procurement"] = document(
        inspection,
        title="2024年以来政府采购项目清单和合同",
        requested_on=D(2026, 11, 10),
        due_on=D(2026, 11, 20),
        note="单位称部分合同在档案室整理中",
    )
    d["cars"] = document(
        inspection,
        title="公务用车使用登记和加油记录（2026年9月至10月）",
        requested_on=D(2026, 11, 24),
        due_on=D(2026, 12, 1),
    )
    return d


def _surveys(inspection) -> None:
    evaluation = survey_create(
        actor=None,
        inspection=inspection,
        kind="evaluation",
        title="县财政局领导班子和领导干部民主测评",
        held_on=D(2026, 11, 5),
        handed_out=60,
        returned=57,
    )
    survey_results_import(
        actor=None,
        survey=evaluation,
        data=xlsx(
            ["测评项目", "好", "较好", "一般", "差"],
            [
                ["领导班子总体评价", 31, 18, 6, 2],
                ["贯彻落实党中央决策部署", 35, 16, 5, 1],
                ["落实全面从严治党主体责任", 26, 20, 9, 2],
                ["执行民主集中制", 19, 21, 12, 5],
                ["选人用人工作", 24, 22, 8, 3],
                ["作风建设", 28, 19, 8, 2],
            ],
        ),
    )
    questionnaire = survey_create(
        actor=None,
        inspection=inspection,
        kind="questionnaire",
        title="财政资金分配和管理使用情况问卷调查",
        held_on=D(2026, 11, 12),
        handed_out=120,
        returned=108,
    )
    survey_results_import(
        actor=None,
        survey=questionnaire,
        data=xlsx(
            ["问题", "满意", "基本满意", "不满意", "不了解"],
            [
                ["财政资金分配公开透明", 46, 38, 15, 9],
                ["惠民惠农补贴发放及时足额", 52, 35, 17, 4],
                ["项目资金拨付效率", 41, 40, 22, 5],
                ["财政干部服务态度", 55, 36, 12, 5],
            ],
        ),
    )


def _papers(inspection, fa, p, t, d) -> None:
    """Four approved papers (a finding under each of the four focuses, one to fix at once),
    one waiting for review, one returned to its author, one still a draft."""
    subsidy = paper(
        inspection,
        author="qh_member",
        title="耕地地力保护补贴审核把关不严，优亲厚友多发补贴",
        facts="2025年耕地地力保护补贴发放中，农业股未核实实际种植面积，将股长李文辉亲属等3户按承包面积申报，"
        "多发补贴资金8.64万元；局分管领导未组织抽查复核。",
        rule="《耕地地力保护补贴资金管理办法》关于补贴面积核实和公示的规定。",
        evidence={
            "petitions": [p["subsidy"], p["subsidy_again"]],
            "interviews": [t["agri"], t["deputy"]],
            "document_requests": [d["subsidy"]],
        },
    )
    approve(
        subsidy,
        author="qh_member",
        reviewer="qh_leader",
        focus=fa["F2.1"],
        severity="serious",
        people="李文辉（农业股股长）",
        amount="86400.00",
        immediate=True,
        immediate_deadline=D(2026, 12, 10),
        comment="事实清楚，证据充分。多发的补贴资金立即追回，列为立行立改。",
    )
    decisions = paper(
        inspection,
        author="qh_deputy",
        title="“三重一大”事项未经党组集体研究决策",
        facts="2025年乡村道路维修、产业扶持和社区服务三笔专项资金共1250万元，分配方案未提交党组会研究，"
        "由主要负责人审批后下达；党组会议记录中无相关议题。",
        rule="《关于进一步推进“三重一大”决策制度的意见》；局党组议事规则第八条。",
        evidence={
            "petitions": [p["allocation"], p["decisions"]],
            "interviews": [t["leader"]],
            "document_requests": [d["minutes"]],
        },
    )
    approve(
        decisions,
        author="qh_deputy",
        reviewer="qh_leader",
        focus=fa["F3.2"],
        severity="grave",
        people="宋建华（党组书记、局长）",
        amount="12500000.00",
    )
    rectification = paper(
        inspection,
        author="qh_member",
        title="上轮巡察反馈的代编预算挂账问题整改不到位",
        facts="2023年县委第三轮巡察反馈代编预算长期挂账，整改报告称已完成，实际至今仍有2100余万元未清理。",
        evidence={"petitions": [p["rectification"]], "interviews": [t["budget"]], "document_requests": [d["budget"]]},
    )
    approve(
        rectification,
        author="qh_member",
        reviewer="qh_deputy",
        focus=fa["F4.1"],
        severity="general",
        people="周晓燕（预算股股长）",
        amount="21000000.00",
    )
    grants = paper(
        inspection,
        author="qh_liaison",
        title="惠企奖补资金审核只看材料不核实",
        facts="抽查2025年工业企业奖补资金12家，其中2家企业虚报产值和用工人数，获得奖补资金共138万元，审核环节未发现。",
        evidence={"petitions": [p["grants"]], "interviews": [t["treasury"]], "document_requests": [d["grants"]]},
    )
    approve(
        grants,
        author="qh_liaison",
        reviewer="qh_deputy",
        focus=fa["F1.3"],
        severity="serious",
        people="吴国栋（国库集中支付中心主任）",
        amount="1380000.00",
    )
    car = paper(
        inspection,
        author="qh_liaison",
        title="节假日公车私用",
        facts="2026年国庆假期，局机关一辆公务用车未经审批3次用于接送局领导家属，行驶里程共计186公里。",
        rule="《党政机关公务用车管理办法》第二十条。",
        evidence={"petitions": [p["car"]]},
    )
    working_paper_submit(actor=user("qh_liaison"), paper=car)
    attitude = paper(
        inspection,
        author="qh_member",
        title="机关干部服务意识不强、办事推诿",
        facts="有群众反映到局办理资金拨付手续多次往返。",
        evidence={"petitions": [p["attitude"]]},
    )
    working_paper_submit(actor=user("qh_member"), paper=attitude)
    working_paper_return(
        actor=user("qh_leader"),
        paper=attitude,
        comment="仅有一件匿名反映，证据不足。请调取办件记录、找经办人和办事群众核实后补充事实。",
    )
    paper(
        inspection,
        author="qh_deputy",
        title="政府采购项目化整为零规避公开招标",
        facts="（待调阅合同后补充）2024年办公设备采购疑似拆分为多个项目。",
        evidence={"document_requests": [d["procurement"]]},
    )
