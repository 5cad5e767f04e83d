"""The focus-area taxonomy every authority starts with (version 1, published): the four
focuses (四个聚焦) with their second-level items, and the six disciplines (六项纪律)."""

from django.db import transaction
from django.utils import timezone

FOCUSES = [
    (
        "F1",
        "聚焦贯彻落实党的路线方针政策和党中央决策部署情况",
        [
            "学习贯彻习近平新时代中国特色社会主义思想不深入",
            "贯彻落实上级决策部署打折扣、搞变通",
            "履行职能责任、推动高质量发展不力",
            "落实意识形态工作责任制不到位",
        ],
    ),
    (
        "F2",
        "聚焦群众身边腐败问题和不正之风",
        [
            "惠民富民政策落实中优亲厚友、截留挪用",
            "集体“三资”管理不规范、侵占挪用",
            "违反中央八项规定精神",
            "形式主义、官僚主义",
            "工程项目、资金审批等领域廉洁风险",
        ],
    ),
    (
        "F3",
        "聚焦基层党组织软弱涣散、组织力欠缺问题",
        [
            "党组织领导作用发挥不充分",
            "民主集中制和“三重一大”制度执行不严",
            "组织生活不严肃、党员教育管理不到位",
            "选人用人和干部队伍建设问题",
            "落实全面从严治党主体责任和监督责任不力",
        ],
    ),
    (
        "F4",
        "聚焦巡视巡察整改和成果运用情况",
        [
            "上一轮巡视巡察反馈问题整改不到位",
            "审计等监督发现问题整改不到位",
            "整改成果运用和长效机制建设不足",
        ],
    ),
]
DISCIPLINES = ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"]


def focus_taxonomy_seed(*, authority):
    """Give ``authority`` the first published version, unless it has one."""
    from onsite.models import FocusArea, FocusTaxonomy

    return seed_with(FocusTaxonomy, FocusArea, authority.pk)


def seed_with(FocusTaxonomy, FocusArea, authority_id):  # noqa: N803 (model classes; migrations pass their own)
    if FocusTaxonomy.objects.filter(authority_id=authority_id).exists():
        return None
    with transaction.atomic():
        taxonomy = FocusTaxonomy.objects.create(authority_id=authority_id, version=1, published_at=timezone.now())
        for i, (code, name, items) in enumerate(FOCUSES, start=1):
            top = FocusArea.objects.create(taxonomy=taxonomy, code=code, name=name, order=i)
            for j, item in enumerate(items, start=1):
                FocusArea.objects.create(taxonomy=taxonomy, parent=top, code=f"{code}.{j}", name=item, order=j)
        for k, name in enumerate(DISCIPLINES, start=1):
            FocusArea.objects.create(taxonomy=taxonomy, group="discipline", code=f"D{k}", name=name, order=k)
    return taxonomy
