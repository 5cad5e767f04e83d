"""Load the demo county (青禾县 under 明湖市) and a smaller second one (松岩县, demo.second_county):
idempotent; ``--scale N`` for benchmarks (青禾县's registry only).

Writes ``$XUNCHA_DATA_DIR/demo-accounts.txt`` (``username password role`` a
line) and prints the same table. Passwords are generated per installation
and kept in that file, so running the loader again changes nothing.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Authority, Receiver, RoleAssignment, User
from core.passwords import password_generate
from core.services import authority_create, receiver_create, role_assign, user_create
from demo import county, second_county
from demo.comparison import load_comparison
from demo.onsite import load_onsite
from demo.rectification import account_plan, load_rectification
from demo.results import FEEDBACK_UNIT, load_results
from demo.teams import load_teams
from planning.inspections import inspection_create, round_create, term_create
from planning.models import Inspection, Round, Term
from registry.models import Organization, OrganizationKind
from registry.organizations import organization_create, organization_update

D = datetime.date
TERM_START, TERM_END = D(2021, 10, 20), D(2027, 3, 31)
ROUND_DATES = [  # (entry, end of on-site work) for rounds one to seven
    (D(2022, 3, 14), D(2022, 4, 29)),
    (D(2022, 9, 5), D(2022, 10, 21)),
    (D(2023, 3, 13), D(2023, 4, 28)),
    (D(2023, 9, 11), D(2023, 10, 27)),
    (D(2024, 4, 8), D(2024, 5, 24)),
    (D(2025, 9, 8), D(2025, 10, 24)),
    (D(2026, 12, 14), D(2027, 1, 29)),
]


class Command(BaseCommand):
    help = "载入演示县（明湖市青禾县，及较小的松岩县）：组织、各轮巡察、各角色演示账号。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="组织数量倍数（基准测试用）")

    def handle(self, *args, scale, **options):
        with transaction.atomic():
            city, qh = self._authorities()
            orgs = self._organizations(qh, max(1, scale))
            inspections = self._rounds(qh, orgs)
            sy = second_county.load_county(city=city)
            accounts = self._accounts(city, qh, orgs, inspections, sy)
            load_teams(
                qh=qh,
                orgs_by_name={o.name: o for o in orgs.values()},
                round7=inspections[(7, "D001")].round,
                accounts={u.username: u for u in User.objects.filter(username__in=[a[0] for a in accounts])},
            )
            round7 = inspections[(7, "D001")].round
            by_name = {o.name: o for c, o in orgs.items() if not c.startswith("X")}
            load_onsite(qh=qh, orgs_by_name=by_name, round7=round7)
            load_results(qh=qh, orgs_by_name=by_name, round7=round7)
            load_rectification(qh=qh, orgs_by_name=by_name, inspections=inspections)
            load_comparison(qh=qh, xwb=inspections[(7, "D001")])
            second_county.load_work(
                sy, accounts={u.username: u for u in User.objects.filter(username__in=[a[0] for a in accounts])}
            )
        self._write_accounts(accounts)

    # -- authorities -------------------------------------------------------

    def _authorities(self):
        city = Authority.objects.filter(code="MH").first() or authority_create(
            actor=None, name="中共明湖市委巡察工作领导小组办公室", code="MH", level="city"
        )
        qh = Authority.objects.filter(code="MH-QH").first() or authority_create(
            actor=None, name="中共青禾县委巡察工作领导小组办公室", code="MH-QH", level="county", parent=city
        )
        for name, kind in (("青禾县纪委监委", "discipline"), ("中共青禾县委组织部", "organization_dept")):
            if not Receiver.objects.filter(authority=qh, name=name).exists():
                receiver_create(actor=None, authority=qh, name=name, kind=kind)
        return city, qh

    # -- organisations -----------------------------------------------------

    def _organizations(self, qh, scale):
        kinds = {k.name: k for k in OrganizationKind.objects.filter(authority=qh)}
        have = {o.code: o for o in Organization.objects.filter(authority=qh)}
        plan = []  # (code, name, kind, parent code, extra fields)
        for copy in range(1, scale + 1):
            p, s = ("", "") if copy == 1 else (f"X{copy:02d}-", f"（{copy}）")
            plan += [(f"{p}D{i:03d}", n + s, "县直部门", None, {}) for i, n in enumerate(county.DEPARTMENTS, 1)]
            for t, town in enumerate(county.TOWNSHIPS, 1):
                plan.append((f"{p}T{t:02d}", town + s, "乡镇(街道)", None, {}))
                for v in range(8):
                    name = county.VILLAGES[(t * 3 + v) % len(county.VILLAGES)]
                    plan.append((f"{p}T{t:02d}-V{v + 1:02d}", town[:2] + name + s, "村(社区)", f"{p}T{t:02d}", {}))
            plan += [(f"{p}E{i:02d}", n + s, "国有企业", None, {}) for i, n in enumerate(county.ENTERPRISES, 1)]
            plan += [(f"{p}S{i:02d}", n + s, "学校", None, {}) for i, n in enumerate(county.SCHOOLS, 1)]
            plan += [(f"{p}H{i:02d}", n + s, "医院", None, {}) for i, n in enumerate(county.HOSPITALS, 1)]
            # Organisations that changed during the term.
            plan += [
                (
                    f"{p}T03-V09",
                    "柳溪新村" + s,
                    "村(社区)",
                    f"{p}T03",
                    {"established_on": D(2024, 6, 1), "note": "由两村合并新设"},
                ),
                (
                    f"{p}D041",
                    "县粮食局" + s,
                    "县直部门",
                    None,
                    {"status": "dissolved", "ended_on": D(2023, 12, 31), "note": "职能划入县发展和改革局"},
                ),
            ]
        created = {}
        for code, name, kind, parent, extra in plan:
            if code in have:
                created[code] = have[code]
                continue
            created[code] = organization_create(
                actor=None,
                authority=qh,
                code=code,
                name=name,
                kind=kinds[kind],
                parent=created.get(parent) if parent else None,
                **extra,
            )
        # Two villages merged into the new one in 2024.
        for code in ("T03-V07", "T03-V08"):
            if created[code].status != "merged":
                organization_update(
                    actor=None,
                    organization=created[code],
                    status="merged",
                    ended_on=D(2024, 6, 1),
                    merged_into=created["T03-V09"],
                )
        return created

    # -- rounds ------------------------------------------------------------

    def _rounds(self, qh, orgs):
        term = Term.objects.filter(authority=qh, name="十六届县委").first() or term_create(
            actor=None, authority=qh, name="十六届县委", start_on=TERM_START, end_on=TERM_END
        )
        by_name = {o.name: o for o in orgs.values()}
        round7 = [by_name[n] for n in county.ROUND7]
        # Rounds one to six cover everything except round seven's targets and a few still owed.
        owed = {by_name[n].code for n in ("县统计局", "县总工会", "县实验幼儿园")} | {o.code for o in round7}
        # The scaled copies (X02-…) are for benchmarks and join no round.
        base = [o for c, o in sorted(orgs.items()) if not c.startswith("X")]
        # Organisations that later merged or were dissolved were inspected before they ended;
        # the village created in 2024 is owed.
        ended = {"T03-V07", "T03-V08", "D041"}
        pool = [o for o in base if (o.status == "active" and o.code not in owed | {"T03-V09"}) or o.code in ended]
        inspections = {}
        for number, (entry, end) in enumerate(ROUND_DATES, start=1):
            rnd = Round.objects.filter(term=term, number=number).first() or round_create(
                actor=None,
                term=term,
                number=number,
                entry_on=entry,
                onsite_end_on=end,
                kind="special" if number == 5 else "regular",
            )
            targets = round7 if number == 7 else pool[number - 1 :: 6]
            stage = "preparation" if number == 7 else "rectification" if number == 6 else "archived"
            existing = {i.organization_id: i for i in Inspection.objects.filter(round=rnd)}
            for org in targets:
                inspections[(number, org.code)] = existing.get(org.pk) or inspection_create(
                    actor=None,
                    round=rnd,
                    organization=org,
                    kind=rnd.kind,
                    stage=stage,
                    theme="乡村振兴资金和项目管理" if rnd.kind == "special" else "",
                )
            if number == 6:
                # Round six also looks back at the first organisation of round one.
                first = inspections[(1, pool[0].code)]
                key = (6, f"lookback-{first.organization.code}")
                inspections[key] = Inspection.objects.filter(round=rnd, revisits=first).first() or inspection_create(
                    actor=None,
                    round=rnd,
                    organization=first.organization,
                    kind="lookback",
                    stage=stage,
                    revisits=first,
                )
        return inspections

    # -- accounts ----------------------------------------------------------

    def _accounts(self, city, qh, orgs, inspections, sy):
        known = _read_accounts()
        xwb = inspections[(7, orgs["D001"].code)]
        by_name = {o.name: o for c, o in orgs.items() if not c.startswith("X")}
        # The other teams' leaders (round seven's on-site work and results: demo.onsite, demo.results).
        team_scopes = [inspections[(7, by_name[n].code)].pk for n in ("县医疗保障局", "县水务集团有限公司", "金竹乡")]
        receivers = {r.kind: r for r in Receiver.objects.filter(authority=qh)}
        plan = [
            ("qh_sysadmin", "周建国", qh, "sysadmin", None),
            ("qh_secadmin", "吴秀兰", qh, "secadmin", None),
            ("qh_auditor", "郑海峰", qh, "auditor", None),
            ("qh_office_head", "王立新", qh, "office_head", None),
            ("qh_office", "李晓燕", qh, "office", None),
            ("qh_leading", "陈志远", qh, "leading_group", None),
            ("qh_leader", "刘卫东", qh, "team_leader", xwb.pk),
            ("qh_deputy", "赵敏", qh, "team_deputy", xwb.pk),
            ("qh_liaison", "孙浩然", qh, "team_liaison", xwb.pk),
            ("qh_member", "黄丽娟", qh, "team_member", xwb.pk),
            ("qh_leader2", "吕建新", qh, "team_leader", team_scopes[0]),
            ("qh_leader3", "江涛", qh, "team_leader", team_scopes[1]),
            ("qh_leader4", "金鹏", qh, "team_leader", team_scopes[2]),
            ("qh_unit", "何振华", qh, "unit_liaison", orgs["D001"].pk),
            ("qh_unit2", "郭丽萍", qh, "unit_liaison", by_name[FEEDBACK_UNIT].pk),
            # Rectification's units and the look-back's leader (demo.rectification).
            *account_plan(qh, inspections=inspections, orgs_by_name=by_name),
            ("qh_data", "许文静", qh, "data_officer", None),
            ("qh_jw", "马俊", qh, "receiver", receivers["discipline"].pk),
            ("qh_zzb", "林雪", qh, "receiver", receivers["organization_dept"].pk),
            # The second county's office, team and unit (demo.second_county).
            *second_county.account_plan(sy),
            ("mh_office", "高明", city, "office", None),
            ("mh_secadmin", "邓红梅", city, "secadmin", None),
        ]
        rows = []
        for username, name, authority, role, scope in plan:
            user = User.objects.filter(username=username).first()
            password = known.get(username)
            if user is None:
                password = password_generate()
                user = user_create(
                    actor=None,
                    authority=authority,
                    username=username,
                    full_name=name,
                    password=password,
                    must_change_password=False,
                )
            elif password is None or not user.check_password(password):
                password = password_generate()
                user.set_password(password)
                user.save(update_fields=["password"])
            if not RoleAssignment.objects.filter(user=user, role=role, authority=authority, scope_id=scope).exists():
                role_assign(actor=None, user=user, role=role, authority=authority, scope_id=scope)
            rows.append((username, password, role))
        return rows

    def _write_accounts(self, rows):
        path = settings.DATA_DIR / "demo-accounts.txt"
        path.write_text("".join(f"{u} {p} {r}\n" for u, p, r in rows), encoding="utf-8")
        path.chmod(0o600)
        width = max(len(u) for u, _, _ in rows)
        self.stdout.write(f"演示账号（已写入 {path}）：")
        self.stdout.write(f"{'账号'.ljust(width)}  {'密码'.ljust(16)}  角色")
        for u, p, r in rows:
            self.stdout.write(f"{u.ljust(width + 2)}  {p.ljust(18)}  {r}")


def _read_accounts() -> dict[str, str]:
    path = settings.DATA_DIR / "demo-accounts.txt"
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[0]] = parts[1]
    return out
