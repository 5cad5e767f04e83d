"""松岩县, a second county under 明湖市 beside 青禾县 (fictional names, people and facts), so that
the separation of counties can be seen from outside: its own office, registry, term and rounds,
one inspection on site with its team, a unit liaison, two petitions and a talk.

Smaller than 青禾县 on purpose: a registry of twelve organisations, a term, round one done
(2025) and round two on site (松岩县自然资源局 by 第一巡察组). The accounts (``sy_`` usernames)
are in ``demo-accounts.txt`` with the others: ``account_plan`` gives their rows, and
``load_county`` runs before the accounts are made (their scopes are its records),
``load_work`` after (the team's accounts act).

Everything goes through the services, as the pages would do it. Idempotent: what exists is
left as it is, and once the inspection is on site ``load_work`` does nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.models import Authority, Receiver
from core.services import authority_create, receiver_create
from demo.onsite import areas, at, talk, user
from onsite.interviews import interview_record, interviews_plan_from_leaders
from onsite.models import Interview
from onsite.petitions import intake_designate, petition_create, petition_submit_public, petition_triage
from planning.documents import document_settings_update
from planning.inspections import inspection_create, round_create, term_create
from planning.models import DocumentSettings, Inspection, Inspector, Round, Team, Term
from planning.pool import inspector_create
from planning.stages import inspection_advance
from planning.teams import inspection_assign_team, team_create, team_member_add, team_update
from registry.models import Organization, OrganizationKind, OrganizationLeader
from registry.organizations import organization_create, organization_leader_add

D = datetime.date
CODE = "MH-SY"
NAME = "中共松岩县委巡察工作领导小组办公室"
COUNTY = "松岩县"
TERM_NAME = "十五届县委"
TERM_START, TERM_END = D(2021, 9, 26), D(2027, 3, 31)
# (code, name, kind, parent code): every name carries the county's, so none is read as 青禾县's.
ORGANIZATIONS = [
    ("D001", "松岩县委办公室", "县直部门", None),
    ("D002", "松岩县政府办公室", "县直部门", None),
    ("D003", "松岩县发展和改革局", "县直部门", None),
    ("D004", "松岩县财政局", "县直部门", None),
    ("D005", "松岩县自然资源局", "县直部门", None),
    ("D006", "松岩县农业农村局", "县直部门", None),
    ("D007", "松岩县卫生健康局", "县直部门", None),
    ("T01", "松岩县松岩镇", "乡镇(街道)", None),
    ("T02", "松岩县竹坪乡", "乡镇(街道)", None),
    ("T02-V01", "竹坪乡茶园村", "村(社区)", "T02"),
    ("T02-V02", "竹坪乡枫林村", "村(社区)", "T02"),
    ("E01", "松岩县城市发展集团有限公司", "国有企业", None),
]
# number: (entry, end of on-site work, targets, stage)
ROUNDS = {
    1: (D(2025, 4, 7), D(2025, 5, 23), ["D003", "D007", "T01"], "archived"),
    2: (D(2026, 11, 9), D(2026, 12, 25), ["D005"], "preparation"),  # put on site by load_work
}
TARGET = "D005"  # 松岩县自然资源局: round two, on site
TEAM = "第一巡察组"
# (name, unit, role, username of the demo account or None): no one from the inspected unit.
POOL = [
    ("方志诚", "松岩县纪委监委", "leader", "sy_leader"),
    ("蒋慧", "松岩县审计局", "member", "sy_member"),
    ("卢国平", "松岩县委巡察办", "liaison", None),
]
LEADERS = [("袁立群", "党组书记、局长", D(2022, 1, 10)), ("钟晓梅", "党组成员、副局长", D(2024, 5, 6))]


@dataclass
class County:
    authority: Authority
    orgs: dict[str, Organization]  # by code
    inspection: Inspection  # round two's, on site


def load_county(*, city: Authority) -> County:
    """The authority (under ``city``), its receivers, registry, term, rounds and inspections."""
    sy = Authority.objects.filter(code=CODE).first() or authority_create(
        actor=None, name=NAME, code=CODE, level="county", parent=city
    )
    for name, kind in ((f"{COUNTY}纪委监委", "discipline"), (f"中共{COUNTY}委组织部", "organization_dept")):
        if not Receiver.objects.filter(authority=sy, name=name).exists():
            receiver_create(actor=None, authority=sy, name=name, kind=kind)
    kinds = {k.name: k for k in OrganizationKind.objects.filter(authority=sy)}
    orgs = {o.code: o for o in Organization.objects.filter(authority=sy)}
    for code, name, kind, parent in ORGANIZATIONS:
        if code not in orgs:
            orgs[code] = organization_create(
                actor=None,
                authority=sy,
                code=code,
                name=name,
                kind=kinds[kind],
                parent=orgs[parent] if parent else None,
            )
    term = Term.objects.filter(authority=sy, name=TERM_NAME).first() or term_create(
        actor=None, authority=sy, name=TERM_NAME, start_on=TERM_START, end_on=TERM_END
    )
    inspection = None
    for number, (entry, end, targets, stage) in ROUNDS.items():
        rnd = Round.objects.filter(term=term, number=number).first() or round_create(
            actor=None, term=term, number=number, entry_on=entry, onsite_end_on=end
        )
        for code in targets:
            found = Inspection.objects.filter(round=rnd, organization=orgs[code]).first() or inspection_create(
                actor=None, round=rnd, organization=orgs[code], stage=stage
            )
            if code == TARGET:
                inspection = found
    assert inspection is not None
    return County(authority=sy, orgs=orgs, inspection=inspection)


def account_plan(county: County) -> list[tuple]:
    """Rows of ``load_demo``'s account plan: (username, name, authority, role, scope id)."""
    sy, inspection = county.authority, county.inspection
    return [
        ("sy_office", "姚建明", sy, "office", None),
        ("sy_leader", "方志诚", sy, "team_leader", inspection.pk),
        ("sy_member", "蒋慧", sy, "team_member", inspection.pk),
        ("sy_unit", "戴春燕", sy, "unit_liaison", county.orgs[TARGET].pk),
    ]


def load_work(county: County, *, accounts: dict) -> None:
    """Round two's team and what it has gathered on site so far. ``accounts``: the demo
    accounts by username (the team's are linked to its members)."""
    sy, inspection = county.authority, county.inspection
    if not DocumentSettings.objects.filter(authority=sy).exists():
        document_settings_update(
            actor=None,
            authority=sy,
            county_name=COUNTY,
            abbreviation="松岩",
            doc_number_format="松岩巡办发〔{year}〕{number}号",
        )
    if inspection.stage != Inspection.Stage.PREPARATION:
        return
    org = county.orgs[TARGET]
    for name, post, start in LEADERS:
        if not OrganizationLeader.objects.filter(organization=org, name=name).exists():
            organization_leader_add(actor=None, organization=org, name=name, post=post, start_on=start)
    entry = inspection.round.entry_on
    formed = entry - datetime.timedelta(days=14)  # the team is formed two weeks before entry
    team = Team.objects.filter(round=inspection.round, name=TEAM).first() or team_create(
        actor=None, round=inspection.round, name=TEAM
    )
    if not team.duty_phone:
        team_update(
            actor=None,
            team=team,
            duty_phone="0739-8520001",
            mailbox="松岩县邮政 001 号信箱",
            email="xcz1@songyan.example.cn",
        )
    for name, unit, role, username in POOL:
        inspector = Inspector.objects.filter(authority=sy, name=name).first()
        if inspector is None:
            inspector = inspector_create(actor=None, authority=sy, name=name, unit=unit)
            inspector.user = accounts.get(username)
            inspector.save(update_fields=["user"])
        if not inspector.memberships.filter(team=team).exists():
            team_member_add(actor=None, team=team, inspector=inspector, role=role, on=formed)
    if inspection.team_id is None:
        inspection_assign_team(actor=None, inspection=inspection, team=team, on=formed)
    inspection_advance(actor=None, inspection=inspection, to_stage="onsite", on=entry)
    inspection.refresh_from_db()
    intake_designate(actor=user("sy_leader"), inspection=inspection, user=user("sy_member"))
    _petitions(inspection)
    _talks(inspection)


def _petitions(inspection: Inspection) -> None:
    member = user("sy_member")  # designated for intake: enters and triages
    fa = areas(inspection.authority)
    letter = petition_create(
        actor=member,
        inspection=inspection,
        channel="letter",
        received_on=D(2026, 11, 16),
        subject="反映松岩县自然资源局宅基地审批拖延、变相索要好处",
        content="竹坪乡村民申请农村宅基地建房，材料齐全，松岩县自然资源局审批股拖了四个多月不批，"
        "经办人员暗示要“表示表示”才能加快办理。",
        accused="松岩县自然资源局审批股经办人员",
    )
    petition_triage(
        actor=member, petition=letter, status="in_scope", focus_area=fa["F2.1"], disciplines=[fa["D4"], fa["D5"]]
    )
    online, _code = petition_submit_public(
        inspection=inspection,
        subject="竹坪乡茶园村违规占用耕地建厂房无人查处",
        content="茶园村村口一块基本农田去年被填平建了厂房，向松岩县自然资源局举报过，执法大队来看了一次就没下文了。",
        client="demo:second",
    )
    petition_triage(actor=member, petition=online, status="in_scope", focus_area=fa["F1.3"], disciplines=[fa["D5"]])


def _talks(inspection: Inspection) -> None:
    team = {m.inspector.name: m for m in inspection.team.members.select_related("inspector")}
    plan = interviews_plan_from_leaders(actor=None, inspection=inspection, planned_on=D(2026, 11, 10))
    head = {i.interviewee: i for i in plan.created}["袁立群"]
    interview_record(
        actor=None,
        interview=head,
        held_at=at(D(2026, 11, 10), 9, 30),
        interviewers=[team["方志诚"], team["蒋慧"]],
        place="松岩县自然资源局二楼会议室",
        notes="袁立群介绍了局党组落实全面从严治党主体责任、耕地保护和宅基地审批的总体情况，"
        "承认宅基地审批存在积压，称正在推行限时办结。",
    )
    talk(
        inspection,
        team,
        who="邵建波",
        post="审批股股长",
        category=Interview.Category.KEY_POST,
        planned_on=D(2026, 12, 9),
    )
