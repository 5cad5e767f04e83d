"""What the look-back (回头看) check registers at start-up: the link on a look-back
inspection's pages (and on the inspection it revisits), and the team's to-do."""


def register():
    from django.urls import reverse

    from core import access, menu, workbench
    from onsite.models import Finding
    from planning.models import Inspection, InspectionKind
    from rectification.models import LookbackCheck

    def links(user, inspection):
        found = []
        is_lookback = inspection.kind == InspectionKind.LOOKBACK and inspection.revisits_id is not None
        if is_lookback and access.restrict(Inspection.objects.filter(pk=inspection.pk), user, "view").exists():
            found.append(("回头看核查", reverse("rectification:lookback", args=[inspection.pk])))
        # The revisited inspection links to its look-backs the user may see.
        later = access.restrict(inspection.lookbacks.select_related("round"), user, "view")
        for lookback in later.order_by("round__number", "id"):
            found.append((f"回头看（{lookback.round}）", reverse("rectification:lookback", args=[lookback.pk])))
        return found

    def todos_for(user):
        ids = {i for role in access.TEAM_ROLES for i in access.scope_ids(user, role)}
        if not ids:
            return []
        todos = []
        lookbacks = Inspection.objects.filter(pk__in=ids, kind=InspectionKind.LOOKBACK, revisits__isnull=False)
        for lookback in lookbacks.select_related("organization").exclude(stage__in=["rectification", "archived"]):
            total = Finding.objects.filter(inspection_id=lookback.revisits_id).count()
            done = LookbackCheck.objects.filter(inspection=lookback).count()
            if total > done:
                todos.append(
                    workbench.Todo(
                        title=f"回头看核查：{lookback.organization.name}还有 {total - done} 个原巡察问题未核查",
                        url=reverse("rectification:lookback", args=[lookback.pk]),
                        category="回头看",
                    )
                )
        return todos

    menu.register_inspection_links(links)
    workbench.register(todos_for)
