"""Rectification (整改) in the demo county, in every state (fictional people and facts).

- 县人民医院 (round seven, ``qh_unit2``): the plan drafted with a task for each finding and
  submitted: waiting for the office's review.
- Three round-six inspections, fed back in December 2025 (the findings, reports and feedback
  of that history are written with the ORM, as the office would have entered them then):
  - 县住房和城乡建设局 (``qh_unit3``): the plan returned once, then approved; tasks verified,
    one overdue with 提醒/督办/告诫, one rejected; graded 一般 in October 2026, which reopened
    the unfinished tasks as 二次整改 (one of them since reported done again).
  - 县农业发展集团有限公司 (``qh_unit4``): one task verified, one overdue with reminders, one
    reported done and waiting for verification, one rejected, one still in progress.
  - 县实验小学 (``qh_unit5``): two tasks verified, one ongoing.
- 县乡村振兴局, inspected in round five (``qh_unit6``): every task verified, graded 较好; the
  look-back (回头看) of round seven by 第五巡察组 (leader ``qh_leader5``) found one finding
  truly fixed, one fixed on the surface and one not fixed: two new findings linked to the old.

Everything after the findings goes through the services, acting as the demo accounts, in
the order of its dates (progress, checks, the daily reminders of past days, the assessment).
Idempotent: an inspection that has a plan (or a look-back verdict) is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from demo.onsite import areas, at, user
from demo.pdf import one_page_pdf
from demo.results import FEEDBACK_UNIT
from onsite.models import Finding, WorkingPaper
from planning.inspections import inspection_create
from planning.models import Inspection, Inspector, Team
from planning.pool import inspector_create
from planning.stages import inspection_advance
from planning.teams import inspection_assign_team, team_create, team_member_add
from rectification.assessments import assessment_record, criteria_of
from rectification.lookback import lookback_check_record
from rectification.models import LookbackCheck, RectificationPlan, RectificationTask
from rectification.plans import plan_create, plan_head_report_set, plan_review, plan_submit
from rectification.reminders import reminders_raise
from rectification.tasks import task_create, task_progress, task_reject, task_update, task_verify
from results.models import Feedback, InspectionReport, ReportVersion

D = datetime.date
OFFICE = "qh_office"
# A small real PDF: the evidence the units upload.
PDF = one_page_pdf(["Qinghe County: rectification evidence (demo)", "See the progress report for the details."])
OPINIONS = {
    "discipline": "同意。建议对违规资金追缴情况逐笔建立台账。",
    "organization": "同意。干部问题的整改措施请明确到人。",
    "publicity": "同意。整改情况按规定向社会公开。",
    "team": "整改措施与反馈问题一一对应，同意。",
}
# The share of each criterion's full score given for a grade (cycled over the criteria).
SCORE_SHARES = {"fair_good": (0.85, 0.85, 0.9, 0.8, 0.8), "average": (0.7, 0.65, 0.6, 0.7, 0.75)}
LOOKBACK_UNIT = "县乡村振兴局"
LOOKBACK_TEAM = "第五巡察组"
LOOKBACK_ONSITE = D(2026, 11, 9)


@dataclass(frozen=True)
class T:
    """A task: its key (for the steps), measure, deadline (None: the default), leader, office, phase."""

    key: str
    measure: str
    deadline: datetime.date | None
    leader: str
    office: str
    phase: str = "concentrated"


@dataclass(frozen=True)
class F:
    title: str
    description: str
    focus: str
    tasks: tuple[T, ...]
    severity: str = "general"
    people: str = ""
    amount: str | None = None


@dataclass(frozen=True)
class Unit:
    """One inspected unit's rectification: who, the feedback, the plan and its review."""

    key: str
    organization: str
    round: int
    username: str
    liaison: str
    head: str
    summary: str
    findings: tuple[F, ...]
    issued_on: datetime.date | None = None  # None: the feedback exists already (round seven)
    acknowledged_on: datetime.date | None = None
    # (decision, date, comments); a return is followed by the revisions and a new submission.
    reviews: tuple = ()
    revisions: dict = field(default_factory=dict)  # task key -> new measure, after a return
    head_report: str = ""
    implementation: str = "fair_good"  # the report's grade of how the unit carried out the policies


UNITS = (
    Unit(
        key="hospital",
        organization=FEEDBACK_UNIT,
        round=7,
        username="qh_unit2",
        liaison="郭丽萍",
        head="周明远",
        summary="成立由党委书记任组长的巡察整改工作领导小组，对反馈的4个问题逐项制定整改措施，"
        "明确责任领导、责任科室和完成时限，集中整改两个月，持续整改到2027年6月。",
        findings=(
            F(
                "骨科串换收费项目套取医保基金",
                "",
                "",
                (
                    T(
                        "h1",
                        "全面自查2024年以来骨科及各临床科室医保结算数据，违规资金全部退回医保基金专户；配合纪检监察机关调查处理。",
                        None,
                        "孔德胜",
                        "医保办",
                    ),
                    T(
                        "h2",
                        "上线医保智能审核系统，对高值耗材收费和诊疗项目实行事前提醒、事中审核。",
                        D(2027, 3, 31),
                        "孔德胜",
                        "信息科",
                        "ongoing",
                    ),
                ),
            ),
            F(
                "中层干部选拔任用程序不规范",
                "",
                "",
                (
                    T(
                        "h3",
                        "对2025年提拔的中层干部逐一复核，纠正处分影响期内提拔的任职；修订中层干部选拔任用办法。",
                        None,
                        "周明远",
                        "人事科",
                    ),
                ),
            ),
            F(
                "公务接待超标准、无公函接待",
                "",
                "",
                (T("h4", "清退超标准接待费用，严格执行公函接待和接待清单制度。", None, "孔德胜", "党政办公室"),),
            ),
            F(
                "审计指出的药品耗材二次议价问题整改不到位",
                "",
                "",
                (
                    T(
                        "h5",
                        "二次议价收入全部纳入医院统一核算，药剂科账目移交财务科，建立议价收入月报制度。",
                        None,
                        "孔德胜",
                        "财务科",
                    ),
                ),
            ),
        ),
    ),
    Unit(
        key="housing",
        organization="县住房和城乡建设局",
        round=6,
        username="qh_unit3",
        liaison="邵春华",
        head="蒋国平",
        issued_on=D(2025, 12, 8),
        acknowledged_on=D(2025, 12, 10),
        summary="局党组成立巡察整改工作领导小组，党组书记负总责，班子成员分兵把口，对反馈的4个问题建立问题、任务、责任三张清单。",
        findings=(
            F(
                "城镇老旧小区改造项目变更签证管理混乱",
                "2023年至2024年实施的9个老旧小区改造项目中，6个项目的设计变更未经审批即施工，"
                "变更签证由施工单位代拟，增加工程款186万元。",
                "F2.5",
                (
                    T(
                        "z1",
                        "对9个改造项目的变更签证逐项复核，不合规的增加工程款在结算中核减。",
                        D(2026, 3, 31),
                        "蒋国平",
                        "城建股",
                    ),
                    T(
                        "z2",
                        "制定工程项目设计变更和现场签证管理办法，变更须经建设、设计、监理三方联审。",
                        D(2026, 6, 30),
                        "蒋国平",
                        "城建股",
                        "ongoing",
                    ),
                ),
                severity="serious",
                people="刘建强（城建股股长）",
                amount="1860000.00",
            ),
            F(
                "住房保障资格审核把关不严",
                "2024年有12户不符合条件的家庭仍在享受公共租赁住房，其中3户家庭名下有商品房。",
                "F2.1",
                (
                    T(
                        "z3",
                        "清退12户不符合条件的公租房承租家庭，追缴多享受的租金补贴。",
                        D(2026, 4, 30),
                        "陈小兵",
                        "住房保障股",
                    ),
                ),
            ),
            F(
                "党组理论学习中心组学习流于形式",
                "2024年党组理论学习中心组集体学习6次，其中4次无研讨发言记录。",
                "F1.1",
                (
                    T(
                        "z4",
                        "修订党组理论学习中心组学习制度，每季度至少开展一次专题研讨，发言记录归档。",
                        D(2026, 8, 31),
                        "蒋国平",
                        "办公室",
                    ),
                ),
            ),
            F(
                "上轮巡察反馈的物业专项维修资金问题整改不到位",
                "2022年巡察反馈的物业专项维修资金使用审核不严问题，至今仍有5个小区的维修资金使用未经业主表决。",
                "F4.1",
                (
                    T(
                        "z5",
                        "对5个小区已使用的维修资金补办业主表决或予以追回，建立维修资金使用公示制度。",
                        D(2026, 8, 31),
                        "陈小兵",
                        "房地产管理股",
                    ),
                ),
            ),
        ),
        reviews=(
            ("returned", D(2026, 1, 8), "第3项问题的整改措施过于笼统，请明确学习研讨的频次和记录要求后重新报送。"),
            ("approved", D(2026, 1, 15), "同意。请严格按时限推进，每月报送整改进展。"),
        ),
        revisions={
            "z4": "修订党组理论学习中心组学习制度，每季度至少开展一次专题研讨，班子成员逐一发言，发言记录归档备查。"
        },
        head_report="蒋国平同志作为第一责任人，先后主持召开6次党组会研究整改工作，对城建、住房保障领域问题"
        "亲自督办；对第二次整改的两项任务逐项约谈责任股室负责人。",
    ),
    Unit(
        key="agri",
        organization="县农业发展集团有限公司",
        round=6,
        username="qh_unit4",
        liaison="吴志勇",
        head="彭国强",
        issued_on=D(2025, 12, 10),
        acknowledged_on=D(2025, 12, 12),
        summary="集团党委对反馈的4个问题制定5项整改措施，集中整改与建章立制同步推进。",
        findings=(
            F(
                "国有资产出租未公开招租、租金收缴不及时",
                "集团所属8处门面和2处仓库未经公开招租直接续租，至2025年9月拖欠租金52万元。",
                "F2.5",
                (T("n1", "对10处资产全部公开招租，追缴拖欠租金52万元。", D(2026, 5, 31), "彭国强", "资产管理部"),),
                amount="520000.00",
            ),
            F(
                "下属公司违规对外出借资金",
                "2024年下属农资公司未经集团党委会研究，向民营企业出借资金300万元，至今未收回。",
                "F3.2",
                (
                    T(
                        "n2",
                        "依法追收300万元出借资金，对违规决策的责任人追责问责。",
                        D(2026, 8, 31),
                        "彭国强",
                        "财务部",
                    ),
                    T(
                        "n3",
                        "修订“三重一大”决策事项清单，资金出借、担保一律提交集团党委会前置研究。",
                        D(2027, 6, 30),
                        "彭国强",
                        "党群工作部",
                        "ongoing",
                    ),
                ),
                severity="serious",
                people="冯志刚（农资公司经理）",
                amount="3000000.00",
            ),
            F(
                "公务用车管理不规范",
                "集团公务用车无派车单出车41次，2辆车长期由个人停放保管。",
                "F2.3",
                (T("n4", "公务用车集中停放、统一派车，安装车载定位系统。", D(2026, 12, 31), "胡海燕", "综合办公室"),),
            ),
            F(
                "选人用人程序不规范",
                "2024年下属公司提任的4名中层干部未经民主推荐，档案中缺少考察材料。",
                "F3.4",
                (T("n5", "对4名中层干部补充考察，按程序重新履行任职手续。", D(2026, 12, 31), "胡海燕", "党群工作部"),),
            ),
        ),
        reviews=(("approved", D(2026, 1, 20), "同意。"),),
        implementation="average",
    ),
    Unit(
        key="school",
        organization="县实验小学",
        round=6,
        username="qh_unit5",
        liaison="许丽华",
        head="潘建英",
        issued_on=D(2025, 12, 12),
        acknowledged_on=D(2025, 12, 15),
        summary="学校党支部对反馈的3个问题逐项整改，涉及师生切身利益的问题立行立改。",
        findings=(
            F(
                "食堂食材采购未按规定公开比选",
                "2024年食堂食材采购金额86万元，由总务处直接指定供应商，未开展公开比选。",
                "F2.5",
                (
                    T(
                        "s1",
                        "食材采购全部通过县公共资源交易平台公开比选，建立食堂账目月公示制度。",
                        D(2026, 3, 31),
                        "潘建英",
                        "总务处",
                    ),
                ),
                amount="860000.00",
            ),
            F(
                "课后服务经费发放不规范",
                "2024年秋季学期课后服务经费按职务而非服务时长分配，行政人员多领4.2万元。",
                "F2.1",
                (T("s2", "按实际服务时长重新核算，多领经费全部退回。", D(2026, 4, 30), "潘建英", "财务室"),),
                amount="42000.00",
            ),
            F(
                "党支部“三会一课”制度落实不到位",
                "2024年党支部党员大会仅召开2次，党课记录与实际不符。",
                "F3.3",
                (
                    T(
                        "s3",
                        "严格落实“三会一课”制度，党支部书记每年至少讲一次党课，会议记录由上级党组织季度检查。",
                        D(2027, 3, 31),
                        "潘建英",
                        "党支部",
                        "ongoing",
                    ),
                ),
            ),
        ),
        reviews=(("approved", D(2026, 1, 22), "同意。"),),
        head_report="潘建英同志主持召开党支部委员会专题研究整改3次，对食堂采购和课后服务经费问题亲自督办，已全部整改到位。",
    ),
    Unit(
        key="rural",
        organization=LOOKBACK_UNIT,
        round=5,
        username="qh_unit6",
        liaison="田文斌",
        head="曹永红",
        issued_on=D(2024, 7, 16),
        acknowledged_on=D(2024, 7, 18),
        summary="局党组对第五轮专项巡察反馈的3个问题制定整改措施，年底前全部整改到位。",
        findings=(
            F(
                "衔接推进乡村振兴补助资金项目库管理不规范",
                "2023年入库的46个项目中有11个未经乡镇论证公示，其中3个项目实施后闲置。",
                "F1.3",
                (
                    T(
                        "r1",
                        "对项目库全面清理，未经论证公示的项目出库；建立项目入库联审制度。",
                        D(2024, 10, 31),
                        "曹永红",
                        "规划财务股",
                    ),
                ),
            ),
            F(
                "产业扶持项目资产后续管护缺位",
                "2021年以来形成的扶贫项目资产中，有7处光伏电站和冷库未明确管护主体，2处闲置。",
                "F2.5",
                (
                    T(
                        "r2",
                        "逐项明确项目资产的产权和管护主体，闲置资产盘活利用。",
                        D(2024, 11, 30),
                        "曹永红",
                        "项目管理股",
                    ),
                ),
                amount="2650000.00",
            ),
            F(
                "驻村帮扶工作考核流于形式",
                "2023年驻村工作队考核全部为优秀等次，考核材料以工作队自报为主，未开展实地核查。",
                "F2.4",
                (T("r3", "修订驻村帮扶考核办法，增加实地核查和群众评议。", D(2024, 12, 31), "曹永红", "帮扶股"),),
            ),
        ),
        reviews=(("approved", D(2024, 8, 26), "同意。"),),
        head_report="曹永红同志主持召开党组会专题研究整改4次，带队到3个乡镇核查项目资产，整改任务全部按期完成。",
    ),
)

# What happened after the plans were approved, in the order of the dates:
# (date, step, task key or unit key, text). Steps: progress (整改中), done (reported done
# with evidence), verify, reject, remind (the daily reminders of that day), assess (the
# office's grade: text is the grade). The heads' reports are recorded last.
STEPS = (
    # 县乡村振兴局, round five: all done, graded 较好.
    (D(2024, 10, 25), "done", "r1", "已清理出库11个项目，制定《衔接资金项目入库联审办法》并印发执行。"),
    (D(2024, 10, 30), "verify", "r1", "经核对项目库台账和联审办法，同意销号。"),
    (D(2024, 11, 26), "done", "r2", "7处项目资产均已明确管护主体，2处闲置冷库已出租给合作社使用。"),
    (D(2024, 12, 3), "verify", "r2", "经实地查看，同意销号。"),
    (D(2024, 12, 20), "done", "r3", "新考核办法已印发，2024年度考核增加实地核查和群众评议环节。"),
    (D(2024, 12, 27), "verify", "r3", "同意销号。"),
    (D(2025, 1, 15), "assess", "rural", "fair_good"),
    # Round six, the first months of 2026.
    (D(2026, 3, 20), "done", "z1", "已完成9个项目变更签证复核，核减工程款132万元。"),
    (D(2026, 3, 27), "verify", "z1", "经核对结算审核报告，同意销号。"),
    (D(2026, 3, 25), "done", "s1", "食材采购已通过县公共资源交易平台比选确定供应商，账目每月公示。"),
    (D(2026, 4, 2), "verify", "s1", "同意销号。"),
    (D(2026, 4, 20), "done", "s2", "已按服务时长重新核算，多领经费4.2万元全部退回。"),
    (D(2026, 4, 24), "done", "z3", "12户已全部清退，追缴租金补贴6.8万元。"),
    (D(2026, 4, 28), "verify", "s2", "经核对退款凭证，同意销号。"),
    (D(2026, 4, 29), "verify", "z3", "同意销号。"),
    (D(2026, 5, 12), "progress", "z4", "已起草学习制度修订稿，正在征求班子成员意见。"),
    (D(2026, 5, 18), "done", "n1", "10处资产已全部公开招租，拖欠租金52万元已全部收回。"),
    (D(2026, 5, 22), "verify", "n1", "经核对招租公告和收款凭证，同意销号。"),
    (D(2026, 6, 15), "done", "z2", "《工程项目设计变更和现场签证管理办法》已经党组会审议通过并印发。"),
    (D(2026, 6, 18), "verify", "z2", "同意销号。"),
    (D(2026, 7, 10), "progress", "n2", "已向借款企业发出催收函并提起诉讼，法院已受理，追回150万元。"),
    (D(2026, 7, 20), "progress", "z5", "已对2个小区补办业主表决，其余3个小区正在组织。"),
    (D(2026, 8, 20), "done", "z5", "5个小区均已补办业主表决手续。"),
    # The daily reminders of those days: 提醒 a week before the deadline of 31 August,
    # 督办 the day after, 告诫 fifteen days after.
    (D(2026, 8, 24), "remind", "", ""),
    (D(2026, 8, 27), "reject", "z5", "佐证材料只有2个小区的表决结果，其余3个小区的表决票和公示照片未提供，请补充。"),
    (D(2026, 9, 1), "remind", "", ""),
    (D(2026, 9, 16), "remind", "", ""),
    (D(2026, 9, 20), "progress", "s3", "本学期已召开党员大会1次、支部委员会3次，党支部书记讲专题党课1次。"),
    # 县住房和城乡建设局 graded 一般: z4 and z5 reopened as 二次整改.
    (D(2026, 10, 16), "assess", "housing", "average"),
    (D(2026, 10, 15), "progress", "n3", "“三重一大”决策事项清单修订稿已提交集团党委会审议。"),
    (D(2026, 10, 28), "progress", "z4", "二次整改：修订后的学习制度已印发，第三季度专题研讨已开展，发言记录已归档。"),
    (D(2026, 10, 30), "done", "n5", "已对4名中层干部补充民主推荐和考察。"),
    (D(2026, 11, 6), "reject", "n5", "补充考察材料中缺少民主推荐票统计表和考察谈话记录，请补充后重新报送。"),
    (D(2026, 11, 18), "done", "z5", "二次整改：其余3个小区的业主表决票和公示照片已补充，一并报送。"),
    (D(2026, 11, 20), "done", "n4", "公务用车已集中停放，车载定位系统已安装，派车单制度已执行。"),
)
# The look-back of 县乡村振兴局 (round five) by 第五巡察组: (task-key of the finding, verdict, note).
VERDICTS = (
    ("r1", "fixed", "抽查项目库中2025年新入库的15个项目，均经乡镇论证公示和联审，制度执行到位。"),
    (
        "r2",
        "surface",
        "实地查看7处项目资产，管护主体虽已明确，但2处光伏电站自2025年起无人维护、发电量下降四成，管护责任未落实。",
    ),
    (
        "r3",
        "not_fixed",
        "新考核办法印发后未实际执行，2025年度驻村工作队考核仍以自报材料为主，未开展实地核查和群众评议。",
    ),
)
LOOKBACK_POOL = [  # (name, unit, role, username)
    ("宁志华", "县纪委监委", "leader", "qh_leader5"),
    ("邹晓梅", "县委巡察办", "liaison", None),
    ("贺文杰", "县农业农村局", "member", None),
]


# The accounts (load_demo adds them to its plan) ---------------------------------------------


def account_plan(qh, *, inspections, orgs_by_name) -> list[tuple]:
    """Rows (username, name, authority, role, scope) for load_demo's account plan: the units'
    liaisons, and the look-back's team leader (on the look-back, created here if need be)."""
    rows = [
        (u.username, u.liaison, qh, "unit_liaison", orgs_by_name[u.organization].pk)
        for u in UNITS
        if u.username != "qh_unit2"  # load_demo's own
    ]
    lookback = lookback_inspection(inspections=inspections, orgs_by_name=orgs_by_name)
    name, _, _, username = LOOKBACK_POOL[0]
    rows.append((username, name, qh, "team_leader", lookback.pk))
    return rows


def lookback_inspection(*, inspections, orgs_by_name) -> Inspection:
    """Round seven's look-back of 县乡村振兴局's round-five inspection (planned, if new)."""
    org = orgs_by_name[LOOKBACK_UNIT]
    revisited = inspections[(5, org.code)]
    round7 = inspections[(7, "D001")].round
    return Inspection.objects.filter(round=round7, revisits=revisited).first() or inspection_create(
        actor=None, round=round7, organization=org, kind="lookback", stage="preparation", revisits=revisited
    )


# The loader ----------------------------------------------------------------------------------


def load_rectification(*, qh, orgs_by_name, inspections) -> None:
    tasks: dict[str, RectificationTask] = {}
    plans: dict[str, RectificationPlan] = {}
    fa = areas(qh)
    for unit in UNITS:
        org = orgs_by_name[unit.organization]
        inspection = _inspection(unit, org, inspections)
        if RectificationPlan.objects.filter(inspection=inspection).exists():
            continue
        findings = _findings(qh, inspection, unit, fa)
        plans[unit.key] = _plan(unit, inspection, findings, tasks)
    _steps(plans, tasks)
    _lookback(qh, inspections=inspections, orgs_by_name=orgs_by_name)


def _inspection(unit: Unit, org, inspections) -> Inspection:
    if unit.round == 7:
        return Inspection.objects.get(round=inspections[(7, "D001")].round, organization=org, kind="special")
    return inspections[(unit.round, org.code)]


def _findings(qh, inspection: Inspection, unit: Unit, fa) -> list[Finding]:
    """The inspection's findings: round seven's exist; for history, written with the ORM on
    approved working papers by the office, with the approved report and the feedback the unit
    acknowledged."""
    if unit.issued_on is None:
        by_title = {f.title: f for f in Finding.objects.filter(inspection=inspection)}
        return [by_title[f.title] for f in unit.findings]
    office = user(OFFICE)
    reviewed = at(unit.issued_on - datetime.timedelta(days=30), 16)
    found = []
    for f in unit.findings:
        existing = Finding.objects.filter(inspection=inspection, title=f.title).first()
        if existing is None:
            paper = WorkingPaper.objects.create(
                authority=qh,
                inspection=inspection,
                title=f.title,
                facts=f.description,
                status=WorkingPaper.Status.APPROVED,
                author=office,
                reviewed_by=office,
                reviewed_at=reviewed,
            )
            existing = Finding.objects.create(
                authority=qh,
                inspection=inspection,
                working_paper=paper,
                title=f.title,
                description=f.description,
                focus_area=fa[f.focus],
                severity=f.severity,
                people=f.people,
                amount=f.amount,
                created_by=office,
            )
        found.append(existing)
    report, made = InspectionReport.objects.get_or_create(
        inspection=inspection,
        defaults={
            "authority": qh,
            "status": InspectionReport.Status.APPROVED,
            "ecology": "same",
            "implementation": unit.implementation,
            "results_use": ["feedback"],
            "created_by": office,
        },
    )
    if made:
        titles = "；".join(f"{i}. {f.title}" for i, f in enumerate(unit.findings, start=1))
        ReportVersion.objects.create(
            report=report,
            number=1,
            body=f"县委第{unit.round}轮巡察对{unit.organization}党组织开展了巡察。巡察发现的主要问题：{titles}。",
            saved_by=office,
        )
    Feedback.objects.get_or_create(
        inspection=inspection,
        defaults={
            "authority": qh,
            "issued_on": unit.issued_on,
            "issued_by": office,
            "acknowledged_at": at(unit.acknowledged_on, 10),
            "acknowledged_on": unit.acknowledged_on,
            "acknowledged_name": unit.head,
            "acknowledged_by": user(unit.username),
        },
    )
    return found


def _plan(unit: Unit, inspection: Inspection, findings: list[Finding], tasks: dict) -> RectificationPlan:
    """The unit drafts the plan with its tasks and submits it; the office reviews it."""
    liaison = user(unit.username)
    plan = plan_create(actor=liaison, inspection=inspection, summary=unit.summary, head_name=unit.head)
    for finding, f in zip(findings, unit.findings, strict=True):
        for t in f.tasks:
            tasks[t.key] = task_create(
                actor=liaison,
                plan=plan,
                finding=finding,
                measure=t.measure,
                deadline=t.deadline,
                responsible_leader=t.leader,
                responsible_office=t.office,
                phase=t.phase,
            )
    # Submitted a few days before each review (the history's dates, not the loader's).
    reviews = unit.reviews
    plan_submit(actor=liaison, plan=plan, on=_submitted_on(unit, reviews[0][1]) if reviews else None)
    for i, (decision, on, comments) in enumerate(reviews):
        plan_review(
            actor=user(OFFICE),
            plan=plan,
            decision=decision,
            comments=comments,
            opinions=OPINIONS if decision == "approved" else {},
            on=on,
        )
        if decision == "returned":
            for key, measure in unit.revisions.items():
                tasks[key] = task_update(actor=liaison, task=tasks[key], measure=measure)
            plan_submit(actor=liaison, plan=plan, on=_submitted_on(unit, reviews[i + 1][1], after=on))
    plan.refresh_from_db()
    return plan


def _submitted_on(unit: Unit, review_on: datetime.date, after: datetime.date | None = None) -> datetime.date:
    """A submission five days before ``review_on``, not before the acknowledgement nor ``after``."""
    day = review_on - datetime.timedelta(days=5)
    return max(day, unit.acknowledged_on, after or day)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("整改佐证材料.pdf", PDF, content_type="application/pdf")


def _steps(plans: dict, tasks: dict) -> None:
    """The steps after approval, in date order, for the plans made in this run."""
    if not plans:
        return
    units = {u.key: u for u in UNITS}
    owner = {t.key: u.key for u in UNITS for f in u.findings for t in f.tasks}
    for on, step, key, text in sorted(STEPS, key=lambda s: s[0]):
        if step == "remind":
            reminders_raise(on=on)
            continue
        unit = units[owner.get(key, key)]
        if unit.key not in plans:
            continue
        if step in ("progress", "done"):
            task = tasks[key]
            done = step == "done"
            task_progress(
                actor=user(unit.username), task=task, text=text, completed=done, uploads=[_pdf()] if done else [], on=on
            )
        elif step == "verify":
            task_verify(actor=user(OFFICE), task=tasks[key], reason=text, on=on)
        elif step == "reject":
            task_reject(actor=user(OFFICE), task=tasks[key], reason=text, on=on)
        elif step == "assess":
            _assess(plans[key], grade=text, on=on)
    for key, plan in plans.items():
        unit = units[key]
        if unit.head_report:
            plan_head_report_set(
                actor=user(unit.username), plan=plan, head_name=unit.head, head_report=unit.head_report
            )


def _assess(plan: RectificationPlan, *, grade: str, on: datetime.date) -> None:
    shares = SCORE_SHARES[grade]
    criteria = criteria_of(plan.authority, active_only=True)
    scores = {c.pk: round(c.max_score * shares[i % len(shares)]) for i, c in enumerate(criteria)}
    comments = {
        "fair_good": "整改责任落实到位，反馈问题全部整改销号，制度建设有成效；项目资产长效管护还需加强。",
        "average": "整改工作推进不平衡：2项任务逾期未完成，物业专项维修资金问题佐证材料不实被退回。"
        "评定为一般，未完成的任务转入二次整改。",
    }[grade]
    plan.refresh_from_db()
    assessment_record(actor=user(OFFICE), plan=plan, grade=grade, scores=scores, comments=comments, on=on)


def _lookback(qh, *, inspections, orgs_by_name) -> None:
    """第五巡察组 on site at the look-back since November, with its verdicts recorded."""
    inspection = lookback_inspection(inspections=inspections, orgs_by_name=orgs_by_name)
    if inspection.team_id is None:
        round7 = inspection.round
        team = Team.objects.filter(round=round7, name=LOOKBACK_TEAM).first() or team_create(
            actor=None, round=round7, name=LOOKBACK_TEAM
        )
        for name, unit, role, username in LOOKBACK_POOL:
            inspector = Inspector.objects.filter(authority=qh, name=name).first()
            if inspector is None:
                inspector = inspector_create(actor=None, authority=qh, name=name, unit=unit)
                if username:
                    inspector.user = user(username)
                    inspector.save(update_fields=["user"])
            if not inspector.memberships.filter(team=team).exists():
                team_member_add(actor=None, team=team, inspector=inspector, role=role, on=D(2026, 11, 2))
        inspection_assign_team(actor=None, inspection=inspection, team=team, on=LOOKBACK_ONSITE)
        inspection.refresh_from_db()
    if inspection.stage == Inspection.Stage.PREPARATION:
        inspection_advance(actor=None, inspection=inspection, to_stage="onsite", on=LOOKBACK_ONSITE)
    rural = next(u for u in UNITS if u.key == "rural")
    by_key = {f.tasks[0].key: f.title for f in rural.findings}
    leader = user(LOOKBACK_POOL[0][3])
    for key, verdict, note in VERDICTS:
        finding = Finding.objects.get(inspection_id=inspection.revisits_id, title=by_key[key])
        if not LookbackCheck.objects.filter(inspection=inspection, finding=finding).exists():
            lookback_check_record(actor=leader, inspection=inspection, finding=finding, verdict=verdict, note=note)
