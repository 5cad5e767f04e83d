"""What rectification registers with core at start-up (``RectificationConfig.ready``): its
menu entries, its workbench to-dos, the links on an inspection's pages, and the check that
holds archiving until the rectification is closed and assessed."""


def register_all():
    from django.urls import reverse

    from core import access, menu, workbench
    from planning.stages import register_advance_check
    from rectification import assessments, lookback, plans, reminders, tasks
    from rectification.models import AssessmentCriterion, RectificationPlan, RectificationTask

    menu.register(
        "整改", menu.MenuItem("整改方案", "rectification:plans", lambda u: access.can(u, "view", RectificationPlan))
    )
    menu.register("整改", menu.MenuItem("整改督促", "rectification:reminders", reminders.may_view))
    menu.register(
        "整改", menu.MenuItem("整改台账", "rectification:ledger", lambda u: access.can(u, "view", RectificationTask))
    )
    menu.register(
        "整改",
        menu.MenuItem("整改评估项目", "rectification:criteria", lambda u: access.can(u, "change", AssessmentCriterion)),
    )

    workbench.register(tasks.todos_for)
    workbench.register(reminders.todos_for)
    workbench.register(assessments.todos_for)
    workbench.register(lookback.todos_for)

    def plan_links(user, inspection):
        if not access.can(user, "view", RectificationPlan):
            return []
        if (
            plans.plan_of(user=user, inspection=inspection) is not None
            or access.may(user, "plan.draft", inspection)
            or access.may(user, "plan.review", inspection)
        ):
            return [("整改", reverse("rectification:inspection_plan", args=[inspection.pk]))]
        return []

    menu.register_inspection_links(plan_links)
    menu.register_inspection_links(lookback.inspection_links)
    # Archiving waits for the rectification to be closed and assessed.
    register_advance_check(plans.archive_blocker)
