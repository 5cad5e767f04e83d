"""The focus-area taxonomy (监督重点): versions the office drafts, edits and publishes.

Each authority starts with version 1, published (``onsite.focus_seed``). "新建版本" copies
the current published version into a draft (version n+1); in the draft the office adds,
renames, reorders and removes nodes (a tree at most three levels deep; only nodes without
children are removed); "发布" makes the draft current. A published version is never
edited again: findings (and petitions) keep the node they were tagged with, and so the
version, after a newer one is published.

Only a leaf (a node without children) of group ``focus`` in the current published
version may tag a new finding: ``focus_leaf_check`` says so, in Chinese.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone

from core import access
from core.audit import audit_record
from onsite.models import FocusArea, FocusTaxonomy

MAX_DEPTH = 3
PUBLISHED_READONLY = "已发布的版本不能修改，请先“新建版本”，在草稿中修改后发布。"


# Reads ---------------------------------------------------------------------------------


def focus_taxonomies_for(*, user):
    """Versions the user may read: every version of the authorities whose settings the user
    sees (office, office head, leading group), and the published versions of the
    authorities of the inspections the user works on (a team tags findings and petitions
    with them, so it reads them; drafts stay with the office)."""
    from planning.inspections import inspections_for

    q = Q(published_at__isnull=False, authority_id__in=inspections_for(user=user).values("authority_id"))
    own = access.scope_q(user, FocusTaxonomy, "view")
    if own is not None:
        q |= own
    return FocusTaxonomy.objects.filter(q).order_by("authority_id", "-version")


def focus_current(authority_id: int) -> FocusTaxonomy | None:
    """The authority's current version: the published one with the highest number."""
    return (
        FocusTaxonomy.objects.filter(authority_id=authority_id, published_at__isnull=False).order_by("-version").first()
    )


def focus_draft(authority_id: int) -> FocusTaxonomy | None:
    """The authority's draft, if the office has started one (there is at most one)."""
    return FocusTaxonomy.objects.filter(authority_id=authority_id, published_at__isnull=True).first()


def focus_versions(authority_id: int):
    """The authority's versions, newest first, each with ``area_count``."""
    return FocusTaxonomy.objects.filter(authority_id=authority_id).annotate(area_count=Count("areas"))


def is_current(taxonomy: FocusTaxonomy) -> bool:
    current = focus_current(taxonomy.authority_id)
    return current is not None and current.pk == taxonomy.pk


def focus_tree(taxonomy: FocusTaxonomy) -> list[FocusArea]:
    """The version's top-level nodes, in order, each with ``nodes`` (its children, in
    order, recursively), ``depth`` (1 at the top) and ``leaf``. One query."""
    areas = list(taxonomy.areas.order_by("group", "order", "code"))
    by_parent: dict[int | None, list[FocusArea]] = {}
    for area in areas:
        by_parent.setdefault(area.parent_id, []).append(area)

    def fill(nodes: list[FocusArea], depth: int) -> list[FocusArea]:
        for node in nodes:
            node.depth = depth
            node.nodes = fill(by_parent.get(node.pk, []), depth + 1)
            node.leaf = not node.nodes
        return nodes

    return fill(by_parent.get(None, []), 1)


def focus_flat(taxonomy: FocusTaxonomy) -> list[FocusArea]:
    """The tree in reading order (each node followed by its children)."""
    out: list[FocusArea] = []

    def walk(nodes):
        for node in nodes:
            out.append(node)
            walk(node.nodes)

    walk(focus_tree(taxonomy))
    return out


def focus_leaf_choices(authority_id: int) -> list[tuple[str, list[tuple[int, str]]]]:
    """The leaves of group ``focus`` in the current version, grouped under their top-level
    node: for the finding form's select (``optgroup`` per focus)."""
    current = focus_current(authority_id)
    if current is None:
        return []
    groups = []
    for top in focus_tree(current):
        if top.group != FocusArea.Group.FOCUS:
            continue
        leaves: list[tuple[int, str]] = []
        if top.leaf:
            leaves.append((top.pk, top.name))
        for second in top.nodes:
            if second.leaf:
                leaves.append((second.pk, second.name))
            leaves += [(third.pk, f"{second.name}／{third.name}") for third in second.nodes]
        groups.append((top.name, leaves))
    return groups


def focus_leaf_check(area: FocusArea | None, *, authority_id: int, field: str = "focus_area") -> FocusArea:
    """``area`` if it may tag a new finding of ``authority_id``; else ``ValidationError``:
    a leaf of group ``focus`` in the authority's current published version."""
    if area is None:
        raise ValidationError({field: ["请选择监督重点（“四个聚焦”下的末级事项）。"]})
    taxonomy = area.taxonomy
    if taxonomy.authority_id != authority_id:
        raise ValidationError({field: [ValidationError("所选监督重点不存在。", code="unknown_reference")]})
    if area.group != FocusArea.Group.FOCUS:
        raise ValidationError(
            {field: [ValidationError("问题须按“四个聚焦”归类，六项纪律只用于信访分类。", code="unknown_choice")]}
        )
    if area.children.exists():
        raise ValidationError(
            {field: [ValidationError(f"“{area.name}”下还有细项，请选择末级事项。", code="unknown_choice")]}
        )
    if not is_current(taxonomy):
        raise ValidationError(
            {
                field: [
                    ValidationError(
                        f"“{area.name}”属于{taxonomy}，不是现行版本，请按现行版本选择。", code="unknown_choice"
                    )
                ]
            }
        )
    return area


# Writes --------------------------------------------------------------------------------


def _editable(actor, taxonomy: FocusTaxonomy) -> None:
    access.check(actor, "change", taxonomy)
    if taxonomy.published_at is not None:
        raise ValidationError({"taxonomy": [ValidationError(PUBLISHED_READONLY, code="not_editable")]})


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["请填写名称。"]})
    if len(name) > 120:
        raise ValidationError({"name": ["名称不超过 120 字。"]})
    return name


def focus_taxonomy_draft(*, actor, authority) -> FocusTaxonomy:
    """新建版本: copy the current published version of ``authority`` into a new draft
    (the next number). Refused while a draft exists."""
    access.check_authority(actor, "change", FocusTaxonomy, authority)
    try:
        return _copy_current(actor, authority)
    except IntegrityError:  # another draft made at the same moment
        raise ValidationError({"taxonomy": [ValidationError("已有草稿，请刷新后在草稿中修改。", code="duplicate")]})


def _copy_current(actor, authority) -> FocusTaxonomy:
    with transaction.atomic():
        versions = list(FocusTaxonomy.objects.select_for_update().filter(authority_id=authority.pk))
        draft = next((t for t in versions if t.published_at is None), None)
        if draft is not None:
            raise ValidationError(
                {
                    "taxonomy": [
                        ValidationError(
                            f"已有草稿（第{draft.version}版），请先修改并发布，再新建版本。", code="duplicate"
                        )
                    ]
                }
            )
        current = max((t for t in versions if t.published_at), key=lambda t: t.version, default=None)
        number = max((t.version for t in versions), default=0) + 1
        draft = FocusTaxonomy.objects.create(
            authority_id=authority.pk, version=number, name=current.name if current else "监督重点"
        )
        copied = 0
        if current is not None:
            copies: dict[int, FocusArea] = {}
            pending = list(current.areas.order_by("id"))
            while pending:  # parents before children, whatever the ids
                later = []
                for area in pending:
                    if area.parent_id is not None and area.parent_id not in copies:
                        later.append(area)
                        continue
                    copies[area.pk] = FocusArea.objects.create(
                        taxonomy=draft,
                        parent=copies[area.parent_id] if area.parent_id is not None else None,
                        group=area.group,
                        code=area.code,
                        name=area.name,
                        order=area.order,
                    )
                if len(later) == len(pending):  # a cycle cannot happen; never loop forever
                    break
                pending = later
            copied = len(copies)
        audit_record(
            actor=actor,
            action="focus_taxonomy.draft",
            obj=draft,
            detail={"version": number, "from_version": current.version if current else None, "areas": copied},
        )
    return draft


def focus_taxonomy_publish(*, actor, taxonomy: FocusTaxonomy) -> FocusTaxonomy:
    """发布: the draft becomes the current version; it is not edited afterwards."""
    _editable(actor, taxonomy)
    tree = focus_tree(taxonomy)
    leaves = []

    def walk(nodes):
        for n in nodes:
            if n.leaf and n.group == FocusArea.Group.FOCUS:
                leaves.append(n)
            walk(n.nodes)

    walk(tree)
    if not leaves:
        raise ValidationError(
            {
                "taxonomy": [
                    ValidationError("发布前须至少有一项“四个聚焦”下的事项，供问题归类。", code="missing_prerequisite")
                ]
            }
        )
    with transaction.atomic():
        locked = FocusTaxonomy.objects.select_for_update().get(pk=taxonomy.pk)
        if locked.published_at is not None:
            raise ValidationError({"taxonomy": [ValidationError("该版本已发布。", code="not_editable")]})
        taxonomy.published_at = timezone.now()
        taxonomy.save(update_fields=["published_at"])
        audit_record(actor=actor, action="focus_taxonomy.publish", obj=taxonomy, detail={"version": taxonomy.version})
    return taxonomy


def _next_code(taxonomy: FocusTaxonomy, parent: FocusArea | None, group: str) -> str:
    taken = set(taxonomy.areas.values_list("code", flat=True))
    if parent is None:
        prefix = "F" if group == FocusArea.Group.FOCUS else "D"
        pattern = re.compile(rf"^{prefix}(\d+)$")
    else:
        prefix = f"{parent.code}."
        pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [int(m.group(1)) for code in taken if (m := pattern.match(code))]
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _depth(area: FocusArea) -> int:
    depth, node = 1, area
    while node.parent_id is not None and depth <= MAX_DEPTH:
        parent = node.parent
        assert parent is not None  # parent_id is set
        node = parent
        depth += 1
    return depth


def focus_area_add(
    *, actor, taxonomy: FocusTaxonomy, name: str, parent: FocusArea | None = None, group: str = "", code: str = ""
) -> FocusArea:
    """Add a node to the draft ``taxonomy``: at the top (of ``group``) or under ``parent``
    (whose group it takes), at the end. The code is made up (F5, F2.6, D7) unless given."""
    _editable(actor, taxonomy)
    name = _clean_name(name)
    if parent is not None:
        if parent.taxonomy_id != taxonomy.pk:
            raise ValidationError({"parent": [ValidationError("上级事项不属于该版本。", code="unknown_reference")]})
        if _depth(parent) >= MAX_DEPTH:
            raise ValidationError(
                {
                    "parent": [
                        ValidationError(
                            f"监督重点最多分{MAX_DEPTH}级，“{parent.name}”下不能再添加下级事项。", code="limit_reached"
                        )
                    ]
                }
            )
        group = parent.group
    elif group not in FocusArea.Group.values:
        raise ValidationError({"group": ["请选择类别（四个聚焦或六项纪律）。"]})
    siblings = taxonomy.areas.filter(parent=parent, group=group)
    if siblings.filter(name=name).exists():
        raise ValidationError({"name": [f"同一级已有“{name}”。"]})
    code = (code or "").strip()
    if code:
        if len(code) > 20:
            raise ValidationError({"code": ["编号不超过 20 个字符。"]})
        if taxonomy.areas.filter(code=code).exists():
            raise ValidationError({"code": [ValidationError(f"编号“{code}”已被使用。", code="duplicate")]})
    else:
        code = _next_code(taxonomy, parent, group)
    order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    try:
        area = _create_area(actor, taxonomy, parent, group, code, name, order)
    except IntegrityError:  # the same code taken at the same moment
        raise ValidationError({"code": [ValidationError(f"编号“{code}”已被使用，请重试。", code="duplicate")]})
    return area


def _create_area(actor, taxonomy, parent, group, code, name, order) -> FocusArea:
    with transaction.atomic():
        area = FocusArea.objects.create(
            taxonomy=taxonomy, parent=parent, group=group, code=code, name=name, order=order
        )
        audit_record(
            actor=actor,
            action="focus_area.add",
            obj=area,
            authority=taxonomy.authority_id,
            detail={"version": taxonomy.version, "code": code, "name": name, "parent": parent.code if parent else None},
        )
    return area


def focus_area_rename(*, actor, area: FocusArea, name: str) -> FocusArea:
    taxonomy = area.taxonomy
    _editable(actor, taxonomy)
    name = _clean_name(name)
    if name == area.name:
        return area
    if taxonomy.areas.filter(parent_id=area.parent_id, group=area.group, name=name).exclude(pk=area.pk).exists():
        raise ValidationError({"name": [f"同一级已有“{name}”。"]})
    before = area.name
    with transaction.atomic():
        area.name = name
        area.save(update_fields=["name"])
        audit_record(
            actor=actor,
            action="focus_area.rename",
            obj=area,
            authority=taxonomy.authority_id,
            detail={"version": taxonomy.version, "code": area.code, "from": before, "to": name},
        )
    return area


def focus_area_move(*, actor, area: FocusArea, direction: str) -> FocusArea:
    """Move a node one place ``"up"`` or ``"down"`` among its siblings (the others keep their order)."""
    taxonomy = area.taxonomy
    _editable(actor, taxonomy)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [ValidationError("只能上移或下移。", code="unknown_choice")]})
    siblings = list(taxonomy.areas.filter(parent_id=area.parent_id, group=area.group).order_by("order", "code"))
    i = next(k for k, s in enumerate(siblings) if s.pk == area.pk)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(siblings):
        return area  # already first (or last): nothing to do
    siblings[i], siblings[j] = siblings[j], siblings[i]
    with transaction.atomic():
        for n, s in enumerate(siblings, start=1):
            if s.order != n:
                s.order = n
                s.save(update_fields=["order"])
        audit_record(
            actor=actor,
            action="focus_area.move",
            obj=area,
            authority=taxonomy.authority_id,
            detail={"version": taxonomy.version, "code": area.code, "direction": direction},
        )
    area.refresh_from_db(fields=["order"])
    return area


def focus_area_remove(*, actor, area: FocusArea) -> None:
    """Remove a node without children from a draft."""
    taxonomy = area.taxonomy
    _editable(actor, taxonomy)
    if area.children.exists():
        raise ValidationError(
            {"area": [ValidationError(f"“{area.name}”下还有下级事项，请先删除下级事项。", code="in_use")]}
        )
    if area.findings.exists() or area.petitions.exists() or area.petitions_by_discipline.exists():
        raise ValidationError({"area": [ValidationError(f"已有记录使用“{area.name}”，不能删除。", code="in_use")]})
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="focus_area.remove",
            obj=area,
            authority=taxonomy.authority_id,
            detail={"version": taxonomy.version, "code": area.code, "name": area.name},
        )
        area.delete()


def focus_area_for_change(*, user, pk) -> FocusArea:
    """A node the user may see, for the editing views (404 otherwise)."""
    area = (
        FocusArea.objects.select_related("taxonomy", "parent")
        .filter(taxonomy__in=focus_taxonomies_for(user=user))
        .filter(pk=pk)
        .first()
    )
    if area is None:
        raise Http404
    return area
