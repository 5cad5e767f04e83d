"""Round seven's inspector pool, leaders and teams for the demo county (fictional people)."""

import contextlib
import datetime

from core.models import RoleAssignment
from core.services import role_assign
from planning.documents import document_settings_update
from planning.models import DocumentSettings, Inspector, Team
from planning.pool import inspector_create, inspector_declaration_add
from planning.teams import (
    ROLE_GRANTS,
    ConflictsFound,
    inspection_assign_team,
    team_create,
    team_member_add,
    team_update,
)
from registry.models import OrganizationLeader

D = datetime.date
ON = D(2026, 11, 20)

LEADERS = [  # (organisation name, leader, post)
    ("县委办公室", "程立军", "主任"),
    ("县人大机关", "唐国华", "秘书长"),
    ("县政府办公室", "韩晓东", "主任"),
    ("县医疗保障局", "彭丽", "局长"),
    ("县林业局", "谢永明", "局长"),
    ("县城市管理局", "曹辉", "局长"),
    ("县行政审批服务局", "冯雪梅", "局长"),
    ("县水务集团有限公司", "邓建平", "董事长"),
    ("县妇幼保健院", "许婷", "院长"),
    ("金竹乡", "苏海涛", "党委书记"),
    ("桃源镇", "罗文斌", "党委书记"),
]
TEAMS = [
    ("第一巡察组", ["县委办公室", "县人大机关", "县政府办公室"]),
    ("第二巡察组", ["县医疗保障局", "县林业局", "县城市管理局", "县行政审批服务局"]),
    ("第三巡察组", ["县水务集团有限公司", "县妇幼保健院"]),
    ("第四巡察组", ["金竹乡", "桃源镇"]),
]
# (name, unit, team, role, username of the demo account or None); a unit in the registry is
# linked to it, so the conflict check flags 钱志强 of 县财政局 when 第一巡察组 inspects 县财政局
# (demo.onsite: the office records its decision).
POOL = [
    ("刘卫东", "县纪委监委", "第一巡察组", "leader", "qh_leader"),
    ("赵敏", "县委组织部", "第一巡察组", "deputy", "qh_deputy"),
    ("孙浩然", "县委巡察办", "第一巡察组", "liaison", "qh_liaison"),
    ("黄丽娟", "县审计局", "第一巡察组", "member", "qh_member"),
    ("钱志强", "县财政局", "第一巡察组", "member", None),
    ("吕建新", "县纪委监委", "第二巡察组", "leader", "qh_leader2"),
    ("施雅琴", "县委组织部", "第二巡察组", "deputy", None),
    ("张晓峰", "县委巡察办", "第二巡察组", "liaison", None),
    ("杜明", "县审计局", "第二巡察组", "member", None),
    ("江涛", "县纪委监委", "第三巡察组", "leader", "qh_leader3"),
    ("严芳", "县信访局", "第三巡察组", "liaison", None),
    ("金鹏", "县纪委监委", "第四巡察组", "leader", "qh_leader4"),
    ("叶青", "县委巡察办", "第四巡察组", "liaison", None),
    ("潘明亮", "县财政局", "第四巡察组", "member", None),
]


def load_teams(*, qh, orgs_by_name, round7, accounts):
    """Idempotent: what exists is left as it is."""
    if not DocumentSettings.objects.filter(authority=qh).exists():
        document_settings_update(
            actor=None,
            authority=qh,
            county_name="青禾县",
            abbreviation="青",
            doc_number_format="青巡办发〔{year}〕{number}号",
        )
    for org_name, name, post in LEADERS:
        OrganizationLeader.objects.get_or_create(
            organization=orgs_by_name[org_name], name=name, defaults={"post": post, "start_on": D(2021, 6, 1)}
        )
    teams = {}
    for team_name, targets in TEAMS:
        team = Team.objects.filter(round=round7, name=team_name).first() or team_create(
            actor=None, round=round7, name=team_name
        )
        teams[team_name] = team
        if not team.duty_phone:
            n = len(teams)
            team_update(
                actor=None,
                team=team,
                duty_phone=f"0739-721000{n}",
                mailbox=f"青禾县邮政 00{n} 号信箱",
                email=f"xcz{n}@qinghe.example.cn",
            )
        for inspection in round7.inspections.filter(organization__name__in=targets, team__isnull=True):
            inspection_assign_team(actor=None, inspection=inspection, team=team)
    for name, unit, team_name, role, username in POOL:
        inspector = Inspector.objects.filter(authority=qh, name=name).first()
        if inspector is None:
            inspector = inspector_create(
                actor=None, authority=qh, name=name, unit=unit, unit_organization=orgs_by_name.get(unit)
            )
            inspector.user = accounts.get(username)
            inspector.save(update_fields=["user"])
        elif inspector.user is None and accounts.get(username):
            # A demo account added after the team was formed (a database loaded by an earlier
            # version): link it and give it the roles its membership grants.
            inspector.user = accounts[username]
            inspector.save(update_fields=["user"])
            for member in inspector.memberships.select_related("team"):
                for inspection in member.team.inspections.all():
                    _grant(inspector.user, ROLE_GRANTS[member.role], inspection)
        if not inspector.memberships.filter(team=teams[team_name]).exists():
            team_member_add(actor=None, team=teams[team_name], inspector=inspector, role=role, on=ON)
    # One conflict the office overrode with a reason: 汪洋 left 县政府办公室 in 2024.
    wang = Inspector.objects.filter(authority=qh, name="汪洋").first()
    if wang is None:
        wang = inspector_create(
            actor=None,
            authority=qh,
            name="汪洋",
            unit="县发展和改革局",
            records=[
                {
                    "kind": "work",
                    "organization": orgs_by_name["县政府办公室"],
                    "post": "科员",
                    "start_on": D(2019, 7, 1),
                    "end_on": D(2024, 3, 31),
                }
            ],
        )
        team_member_add(
            actor=None,
            team=teams["第一巡察组"],
            inspector=wang,
            role="member",
            on=ON,
            decision_reason="已调离县政府办公室两年半，不分管该单位事项，经巡察办研究同意参加，分工不涉及该单位",
        )
    # One conflict the check finds and that keeps the person off the team: 胡静 declared it.
    hu = Inspector.objects.filter(authority=qh, name="胡静").first()
    if hu is None:
        hu = inspector_create(
            actor=None,
            authority=qh,
            name="胡静",
            unit="县教育局",
            records=[
                {
                    "kind": "study",
                    "organization": orgs_by_name["县委党校"],
                    "start_on": D(2010, 3, 1),
                    "end_on": D(2010, 7, 1),
                }
            ],
        )
        inspector_declaration_add(
            actor=None, inspector=hu, organization=orgs_by_name["金竹乡"], reason="配偶在金竹乡人民政府工作"
        )
        with contextlib.suppress(ConflictsFound):  # as intended: the office finds a substitute
            team_member_add(actor=None, team=teams["第四巡察组"], inspector=hu, role="member", on=ON)


def _grant(user, role, inspection):
    """The team role on ``inspection``, as planning.teams grants it to a member with an account."""
    have = RoleAssignment.objects.filter(
        user=user, role=role, authority_id=inspection.authority_id, scope_id=inspection.pk
    )
    if not have.exists():
        role_assign(actor=None, user=user, role=role, authority=inspection.authority, scope_id=inspection.pk)
