"""What the plan and task pages register with core at start-up: the menu entry, the
workbench to-dos (plans to write, review; tasks to report on, verify) and the "整改" link on
an inspection's pages."""


def register():
    from django.urls import reverse

    from core import access, menu, workbench
    from rectification import plans, tasks
    from rectification.models import RectificationPlan

    menu.register(
        "整改", menu.MenuItem("整改方案", "rectification:plans", lambda u: access.can(u, "view", RectificationPlan))
    )
    workbench.register(tasks.todos_for)

    def links(user, inspection):
        if not access.can(user, "view", RectificationPlan):
            return []
        if (
            plans.plan_of(user=user, inspection=inspection) is not None
            or plans.is_unit_of(user, inspection)
            or plans.is_office_of(user, inspection)
        ):
            return [("整改", reverse("rectification:inspection_plan", args=[inspection.pk]))]
        return []

    menu.register_inspection_links(links)
    # Archiving waits for the rectification to be closed and assessed.
    from planning.stages import register_advance_check

    register_advance_check(plans.archive_blocker)
