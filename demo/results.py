"""Round seven's results in the demo county: three more special inspections (专项巡察) whose
reports stand at different steps of the approval chain (fictional people and facts).

- 县交通运输局 (第二巡察组), stage reporting: findings; the report approved at 组务会, waiting
  at 组办会商.
- 县人民医院 (第三巡察组), stage feedback: the report approved through all four steps; the
  feedback issued and acknowledged by the unit (``qh_unit2``); one finding left out of the
  public version (正在查办); a discipline lead, a cadre lead and a sealed lead on a senior
  leader; transfers to 纪委监委 (received, outcome recorded), to 组织部 (received during the
  on-site work, no outcome, overdue) and of other findings to 县卫生健康局 (not yet received).
- 南塘镇 (第四巡察组), stage reporting: the report returned by 领导小组会议 with comments.

The teams' leaders act through their demo accounts (``qh_leader2``–``qh_leader4``): they
write the papers (which the office reviews, as for any paper a team leader writes), create,
rate and submit the reports and decide 组务会. Idempotent: an inspection that exists is left
as it is.
"""

from __future__ import annotations

import datetime

from core.models import Receiver
from core.services import receiver_create
from demo.onsite import (
    approve,
    areas,
    at,
    document,
    existing_special,
    id_number,
    members,
    paper,
    special_inspection,
    talk,
    user,
)
from onsite.interviews import interview_record, interviews_plan_from_leaders
from onsite.models import Interview
from onsite.petitions import petition_create, petition_triage
from planning.stages import inspection_advance
from registry.models import OrganizationLeader
from registry.organizations import organization_leader_add
from results.feedback import feedback_acknowledge, feedback_issue, finding_exclusion_set
from results.leads import lead_create
from results.reports import PLACEHOLDER, current_version, report_create, report_decide, report_edit, report_submit
from results.transfers import transfer_create, transfer_outcome_record, transfer_receive

D = datetime.date
# The organisation whose feedback the demo unit account qh_unit2 acknowledges (load_demo gives it the role).
FEEDBACK_UNIT = "县人民医院"
FEEDBACK_UNIT_LEADERS = [("周明远", "党委书记", D(2021, 9, 1)), ("孔德胜", "党委副书记、院长", D(2022, 1, 10))]
OTHER_RECEIVER = "青禾县卫生健康局"


def load_results(*, qh, orgs_by_name, round7) -> None:
    """The three inspections, each skipped if it exists already."""
    fa = areas(qh)
    _transport(round7, orgs_by_name["县交通运输局"], fa)
    _hospital(qh, round7, orgs_by_name[FEEDBACK_UNIT], fa)
    _township(round7, orgs_by_name["南塘镇"], fa)


def _report(inspection, leader: str, *, basic: str, assessment: str, suggestions: str, ecology, implementation, **kw):
    """The team leader creates the report, writes what the draft leaves open, rates it and submits it."""
    report = report_create(actor=user(leader), inspection=inspection)
    lines = []
    for line in current_version(report).body.split("\n"):
        if line.startswith(PLACEHOLDER):
            line = basic if "基本情况" in line else assessment if "总体评价" in line else suggestions
        lines.append(line)
    report_edit(
        actor=user(leader),
        report=report,
        body="\n".join(lines),
        note="补充基本情况、总体评价和意见建议",
        ecology=ecology,
        implementation=implementation,
        **kw,
    )
    report_submit(actor=user(leader), report=report)
    return report


# 县交通运输局: waiting at 组办会商 -----------------------------------------------------------


def _transport(round7, org, fa) -> None:
    if existing_special(round7, org) is not None:
        return
    inspection = special_inspection(
        round7=round7, organization=org, team_name="第二巡察组", theme="交通建设项目和资金管理", onsite_on=D(2026, 9, 7)
    )
    team, leader = members(inspection), "qh_leader2"
    head = talk(
        inspection,
        team,
        who="杨光荣",
        post="党组书记、局长",
        category=Interview.Category.LEADERSHIP,
        planned_on=D(2026, 9, 8),
        held=at(D(2026, 9, 8), 9, 30),
        by=("吕建新", "施雅琴"),
        notes="杨光荣介绍了2023年以来农村公路建设和交通专项资金管理情况，承认项目验收主要依靠施工单位自检资料。",
    )
    works = talk(
        inspection,
        team,
        who="邹建军",
        post="规划建设股股长",
        category=Interview.Category.KEY_POST,
        planned_on=D(2026, 9, 15),
        held=at(D(2026, 9, 15), 15, 0),
        by=("张晓峰", "杜明"),
        notes="邹建军称3个农村公路项目交工验收时未做路面厚度钻芯检测，验收意见由监理单位代拟。",
    )
    tenders = document(
        inspection,
        title="2023年以来农村公路建设项目招投标和验收资料",
        requested_on=D(2026, 9, 8),
        due_on=D(2026, 9, 12),
        received_on=D(2026, 9, 11),
        reviewer=leader,
        reviewed_on=D(2026, 9, 16),
    )
    funds = document(
        inspection,
        title="交通建设专项资金拨付台账",
        requested_on=D(2026, 9, 8),
        due_on=D(2026, 9, 12),
        received_on=D(2026, 9, 12),
        reviewer=leader,
        reviewed_on=D(2026, 9, 18),
    )
    letter = petition_create(
        actor=user(leader),
        inspection=inspection,
        channel="letter",
        received_on=D(2026, 9, 10),
        subject="反映农村公路项目偷工减料、验收走过场",
        content="白云乡至北坪乡农村公路提质改造项目路面厚度不够，通车不到一年就多处开裂，验收时只看资料不到现场。",
        anonymous=False,
        name="袁德华",
        phone="13874392210",
        id_number=id_number("43902319660402101"),
    )
    petition_triage(
        actor=user(leader), petition=letter, status="in_scope", focus_area=fa["F2.5"], disciplines=[fa["D3"], fa["D5"]]
    )
    for title, facts, evidence, finding in [
        (
            "农村公路建设项目验收把关不严",
            "2023年以来3个农村公路提质改造项目交工验收未做钻芯检测，验收意见由监理单位代拟；"
            "其中1个项目路面厚度不足设计要求，多计工程款236万元。",
            {"petitions": [letter], "interviews": [works], "document_requests": [tenders]},
            {"focus": fa["F2.5"], "severity": "serious", "people": "邹建军（规划建设股股长）", "amount": "2360000.00"},
        ),
        (
            "交通建设专项资金滞留未及时拨付",
            "2025年上级下达的农村客运站点建设资金580万元，至2026年8月仍有420万元滞留未拨付。",
            {"document_requests": [funds]},
            {"focus": fa["F1.3"], "severity": "general", "amount": "4200000.00"},
        ),
        (
            "党组理论学习中心组学习流于形式",
            "2025年党组理论学习中心组集体学习8次，其中5次以传达文件代替研讨，无交流发言记录。",
            {"interviews": [head]},
            {"focus": fa["F1.1"], "severity": "general"},
        ),
    ]:
        written = paper(inspection, author=leader, title=title, facts=facts, evidence=evidence)
        approve(written, author=leader, reviewer="qh_office", **finding)
    inspection_advance(actor=None, inspection=inspection, to_stage="reporting", on=D(2026, 10, 26))
    report = _report(
        inspection,
        leader,
        basic="县交通运输局党组下设机关党支部2个，现有党员46名；局机关内设股室8个，下属单位3个。",
        assessment="县交通运输局党组能够贯彻落实县委关于交通强县建设的部署，农村公路建设取得一定成效，"
        "但在项目质量监管、专项资金管理和党组自身建设方面还存在薄弱环节，政治生态总体持平。",
        suggestions="一是严格工程项目质量监管，对已验收项目开展质量复查；二是加快专项资金拨付，"
        "建立资金滞留预警机制；三是认真落实党组理论学习中心组学习制度。",
        ecology="same",
        implementation="fair_good",
    )
    report_decide(
        actor=user(leader), report=report, step="team_meeting", decision="approved", decided_on=D(2026, 11, 10)
    )


# 县人民医院: the whole chain, feedback, leads and transfers -------------------------------------


def _hospital(qh, round7, org, fa) -> None:
    if existing_special(round7, org) is not None:
        return
    for name, post, start in FEEDBACK_UNIT_LEADERS:
        if not OrganizationLeader.objects.filter(organization=org, name=name).exists():
            organization_leader_add(actor=None, organization=org, name=name, post=post, start_on=start)
    # On site from July: the cadre lead went to 组织部 during the on-site work (边巡边移) in August,
    # so that its three months for an outcome have passed.
    inspection = special_inspection(
        round7=round7,
        organization=org,
        team_name="第三巡察组",
        theme="医保基金使用和药品耗材采购",
        onsite_on=D(2026, 7, 20),
    )
    team, leader = members(inspection), "qh_leader3"
    plan = interviews_plan_from_leaders(actor=None, inspection=inspection, planned_on=D(2026, 7, 21))
    for i, interview in enumerate(plan.created):
        interview_record(
            actor=None,
            interview=interview,
            held_at=at(D(2026, 7, 21 + i), 9, 0),
            interviewers=[team["江涛"], team["严芳"]],
            place="县人民医院行政楼会议室",
            notes=f"{interview.interviewee}介绍了医院党委落实全面从严治党责任、医保基金使用和药品耗材采购管理的情况。",
        )
    insurance = talk(
        inspection,
        team,
        who="熊志勇",
        post="医保办主任",
        category=Interview.Category.KEY_POST,
        planned_on=D(2026, 7, 28),
        held=at(D(2026, 7, 28), 10, 0),
        by=("江涛", "严芳"),
        notes="熊志勇称医保部门2025年飞行检查指出的骨科串换收费问题，科室仅退回部分款项。",
    )
    claims = document(
        inspection,
        title="2024年以来医保基金结算明细和违规扣款记录",
        requested_on=D(2026, 7, 21),
        due_on=D(2026, 7, 25),
        received_on=D(2026, 7, 24),
        reviewer=leader,
        reviewed_on=D(2026, 7, 30),
    )
    cadres = document(
        inspection,
        title="2024年以来中层干部选拔任用档案",
        requested_on=D(2026, 7, 27),
        due_on=D(2026, 7, 31),
        received_on=D(2026, 7, 31),
        reviewer=leader,
        reviewed_on=D(2026, 8, 6),
    )
    hospitality = document(
        inspection,
        title="2025年公务接待审批单和费用报销凭证",
        requested_on=D(2026, 7, 27),
        due_on=D(2026, 8, 3),
        received_on=D(2026, 8, 3),
        reviewer=leader,
        reviewed_on=D(2026, 8, 10),
    )
    swap = petition_create(
        actor=user(leader),
        inspection=inspection,
        channel="letter",
        received_on=D(2026, 7, 25),
        subject="反映医院骨科串换收费项目套取医保基金",
        content="县人民医院骨科把普通材料按高值耗材收费，串换诊疗项目向医保报销，科室主任知情并默许。",
        accused="县人民医院骨科主任",
        anonymous=False,
        name="方志刚",
        phone="13762395504",
        id_number=id_number("43902319770621305"),
    )
    promotion = petition_create(
        actor=user(leader),
        inspection=inspection,
        channel="phone",
        received_on=D(2026, 8, 3),
        subject="反映医院提拔处分影响期内的干部",
        content="来电人反映，医院2025年提拔的一名科室副主任当时仍在党内警告处分影响期内。",
    )
    petition_triage(actor=user(leader), petition=swap, status="in_scope", focus_area=fa["F2.5"], disciplines=[fa["D3"]])
    petition_triage(
        actor=user(leader), petition=promotion, status="in_scope", focus_area=fa["F3.4"], disciplines=[fa["D2"]]
    )
    findings = {}
    for key, title, facts, evidence, finding in [
        (
            "swap",
            "骨科串换收费项目套取医保基金",
            "2024年1月至2025年12月，骨科将普通材料按高值耗材收费、串换诊疗项目，套取医保基金112.6万元；"
            "医保飞行检查指出后仅退回38万元。",
            {"petitions": [swap], "interviews": [insurance], "document_requests": [claims]},
            {"focus": fa["F2.5"], "severity": "grave", "people": "赵建平（骨科主任）", "amount": "1126000.00"},
        ),
        (
            "cadre",
            "中层干部选拔任用程序不规范",
            "2025年提拔的科室副主任中，1人仍在党内警告处分影响期内，考察材料未如实反映；2人未经民主推荐。",
            {"petitions": [promotion], "document_requests": [cadres]},
            {"focus": fa["F3.4"], "severity": "serious", "people": "钟立新（人事科科长）"},
        ),
        (
            "hospitality",
            "公务接待超标准、无公函接待",
            "2025年无公函接待14批次，超标准接待费用共4.26万元，在科室培训费中列支。",
            {"document_requests": [hospitality]},
            {"focus": fa["F2.3"], "severity": "general", "amount": "42600.00"},
        ),
        (
            "audit",
            "审计指出的药品耗材二次议价问题整改不到位",
            "2024年县审计局指出药品耗材二次议价收入未纳入医院统一核算，至今仍由药剂科单独记账。",
            {"document_requests": [claims], "interviews": [insurance]},
            {"focus": fa["F4.2"], "severity": "general", "amount": "356000.00"},
        ),
    ]:
        written = paper(inspection, author=leader, title=title, facts=facts, evidence=evidence)
        findings[key] = approve(written, author=leader, reviewer="qh_office", **finding)

    # Leads: the team leader records them; the one on a senior leader is sealed.
    discipline = lead_create(
        actor=user(leader),
        inspection=inspection,
        category="discipline",
        name="赵建平",
        post="骨科主任",
        details="涉嫌组织串换收费项目套取医保基金112.6万元。",
        finding=findings["swap"],
    )
    cadre = lead_create(
        actor=user(leader),
        inspection=inspection,
        category="cadre",
        name="钟立新",
        post="人事科科长",
        details="在干部考察中未如实反映考察对象受处分情况，导致处分影响期内的干部被提拔。",
        finding=findings["cadre"],
    )
    lead_create(
        actor=user(leader),
        inspection=inspection,
        category="discipline",
        name="孔德胜",
        post="党委副书记、院长",
        details="反映其亲属经营的医疗器械公司多次中标医院耗材采购项目，本人未按规定回避。",
        senior=True,
        sealed=True,
    )
    # 边巡边移: the cadre lead to 组织部 during the on-site work; received, no outcome yet.
    receivers = {r.kind: r for r in Receiver.objects.filter(authority=qh)}
    to_zzb = transfer_create(
        actor=user("qh_office_head"),
        inspection=inspection,
        receiver=receivers["organization_dept"],
        kind="cadre",
        leads=[cadre],
        sent_on=D(2026, 8, 24),
    )
    transfer_receive(actor=user("qh_zzb"), transfer=to_zzb, received_on=D(2026, 8, 26), received_name="林雪")

    inspection_advance(actor=None, inspection=inspection, to_stage="reporting", on=D(2026, 9, 4))
    report = _report(
        inspection,
        leader,
        basic="县人民医院为二级甲等综合医院，医院党委下设党支部9个，现有党员168名，在岗职工612人。",
        assessment="县人民医院党委能够贯彻落实健康中国战略和县委部署，医疗服务能力有所提升，"
        "但在医保基金使用、选人用人和作风建设方面问题较为突出，政治生态需要进一步净化。",
        suggestions="一是全面自查医保基金使用问题，追回违规资金；二是严格执行干部选拔任用工作条例；"
        "三是健全药品耗材采购和议价内控制度。对发现的问题线索，建议按程序移交有关方面处理。",
        ecology="worse",
        implementation="average",
        special_body="关于县人民医院领导干部问题线索的专题报告\n"
        "巡察中收到反映县人民医院主要负责人亲属经营的医疗器械公司多次中标医院耗材采购项目、本人未按规定回避的问题，"
        "线索已按规定封存，建议移交县纪委监委处置。",
    )
    for step, actor, on in [
        ("team_meeting", leader, D(2026, 9, 10)),
        ("office_review", "qh_office", D(2026, 9, 17)),
        ("leading_group", "qh_leading", D(2026, 9, 28)),
    ]:
        report_decide(actor=user(actor), report=report, step=step, decision="approved", decided_on=on)
    report_decide(
        actor=user("qh_office_head"),
        report=report,
        step="secretary",
        decision="approved",
        decided_on=D(2026, 10, 12),
        comments="同意巡察报告。问题线索按规定移交，反馈后督促医院抓好整改。",
        results_use=["feedback", "discipline", "organization", "departments"],
    )

    # Feedback: the case still open stays out of the public version; the unit signs for it.
    finding_exclusion_set(actor=user("qh_office"), finding=findings["swap"], excluded="open_case")
    inspection_advance(actor=None, inspection=inspection, to_stage="feedback", on=D(2026, 10, 16))
    feedback = feedback_issue(actor=user("qh_office"), inspection=inspection, issued_on=D(2026, 10, 16))
    feedback_acknowledge(
        actor=user("qh_unit2"), feedback=feedback, acknowledged_on=D(2026, 10, 19), acknowledged_name="周明远"
    )

    # Transfers after the approval: the discipline lead (received, outcome recorded) and
    # other findings to the responsible department (not yet received).
    to_jw = transfer_create(
        actor=user("qh_office_head"),
        inspection=inspection,
        receiver=receivers["discipline"],
        kind="leads",
        leads=[discipline],
        sent_on=D(2026, 10, 20),
    )
    transfer_receive(actor=user("qh_jw"), transfer=to_jw, received_on=D(2026, 10, 22), received_name="马俊")
    transfer_outcome_record(
        actor=user("qh_jw"),
        transfer=to_jw,
        outcome="filed",
        detail="经初步核实，县纪委监委于2026年11月16日对赵建平涉嫌违纪违法问题立案审查调查。",
        outcome_on=D(2026, 11, 18),
    )
    other = receivers.get("other") or receiver_create(actor=None, authority=qh, name=OTHER_RECEIVER, kind="other")
    transfer_create(
        actor=user("qh_office"),
        inspection=inspection,
        receiver=other,
        kind="findings",
        findings=[findings["hospitality"], findings["audit"]],
        sent_on=D(2026, 11, 2),
    )


# 南塘镇: returned by 领导小组会议 ------------------------------------------------------------


def _township(round7, org, fa) -> None:
    if existing_special(round7, org) is not None:
        return
    inspection = special_inspection(
        round7=round7, organization=org, team_name="第四巡察组", theme="农村集体“三资”管理", onsite_on=D(2026, 9, 14)
    )
    team, leader = members(inspection), "qh_leader4"
    secretary = talk(
        inspection,
        team,
        who="曾宪文",
        post="镇党委书记",
        category=Interview.Category.LEADERSHIP,
        planned_on=D(2026, 9, 15),
        held=at(D(2026, 9, 15), 9, 0),
        by=("金鹏", "叶青"),
        notes="曾宪文介绍了全镇村级集体经济和“村账镇代管”情况，承认对村集体资产发包监督不够。",
    )
    accountant = talk(
        inspection,
        team,
        who="汤玉兰",
        post="镇农村经营管理站站长",
        category=Interview.Category.KEY_POST,
        planned_on=D(2026, 9, 22),
        held=at(D(2026, 9, 22), 14, 0),
        by=("叶青", "潘明亮"),
        notes="汤玉兰称部分村级报账凭证为白条，代理记账中心未予退回。",
    )
    assets = document(
        inspection,
        title="2023年以来各村集体资产台账和发包租赁合同",
        requested_on=D(2026, 9, 15),
        due_on=D(2026, 9, 19),
        received_on=D(2026, 9, 19),
        reviewer=leader,
        reviewed_on=D(2026, 9, 24),
    )
    vouchers = document(
        inspection,
        title="村级财务“村账镇代管”记账凭证",
        requested_on=D(2026, 9, 15),
        due_on=D(2026, 9, 22),
        received_on=D(2026, 9, 21),
        reviewer=leader,
        reviewed_on=D(2026, 9, 29),
    )
    pond = petition_create(
        actor=user(leader),
        inspection=inspection,
        channel="visit",
        received_on=D(2026, 9, 18),
        subject="反映村集体鱼塘低价发包给村干部亲属",
        content="南塘镇某村集体鱼塘2023年以每年3000元发包给村主任的亲属，周边同类鱼塘租金每年1万元以上，租金还拖欠未交。",
        anonymous=False,
        name="雷春生",
        phone="13975397731",
        id_number=id_number("43902319581103207"),
    )
    petition_triage(
        actor=user(leader), petition=pond, status="in_scope", focus_area=fa["F2.2"], disciplines=[fa["D3"], fa["D4"]]
    )
    for title, facts, evidence, finding in [
        (
            "村集体资产低价发包、租金长期拖欠",
            "抽查6个村集体资产发包合同，其中4宗鱼塘、山林以明显低于市场的价格发包给村干部亲属，少收租金及拖欠租金共36.8万元。",
            {"petitions": [pond], "document_requests": [assets]},
            {
                "focus": fa["F2.2"],
                "severity": "serious",
                "people": "有关村党组织书记、村委会主任",
                "amount": "368000.00",
            },
        ),
        (
            "村级财务管理不规范、白条入账",
            "2024年以来5个村以白条入账支出共9.54万元，代理记账中心未严格审核。",
            {"interviews": [accountant], "document_requests": [vouchers]},
            {"focus": fa["F2.2"], "severity": "general", "amount": "95400.00"},
        ),
        (
            "镇党委对村党组织指导监督不力",
            "镇党委2024年以来未专题研究村级“三资”管理，对巡察、审计指出的村级财务问题未督促整改到位。",
            {"interviews": [secretary]},
            {"focus": fa["F3.5"], "severity": "general"},
        ),
    ]:
        written = paper(inspection, author=leader, title=title, facts=facts, evidence=evidence)
        approve(written, author=leader, reviewer="qh_office", **finding)
    inspection_advance(actor=None, inspection=inspection, to_stage="reporting", on=D(2026, 10, 30))
    report = _report(
        inspection,
        leader,
        basic="南塘镇辖12个行政村、1个社区，镇党委下设党组织19个，现有党员726名。",
        assessment="南塘镇党委能够落实县委关于农村集体“三资”管理的部署，但村级集体资产发包和财务管理不规范问题仍然存在。",
        suggestions="一是开展村级集体资产发包合同清理；二是严格村级财务审核报账；三是压实镇党委对村级“三资”管理的监督责任。",
        ecology="same",
        implementation="average",
    )
    report_decide(
        actor=user(leader), report=report, step="team_meeting", decision="approved", decided_on=D(2026, 11, 3)
    )
    report_decide(
        actor=user("qh_office"), report=report, step="office_review", decision="approved", decided_on=D(2026, 11, 9)
    )
    report_decide(
        actor=user("qh_leading"),
        report=report,
        step="leading_group",
        decision="returned",
        decided_on=D(2026, 11, 17),
        comments="报告对村集体“三资”问题的成因分析不够深入，对镇党委主体责任的评价偏轻。"
        "请补充问题成因分析，并就发现的问题提出有针对性的整改意见后重新提交。",
    )
