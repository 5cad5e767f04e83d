"""What the assessment part registers with core at start-up: the office's menu entry for its
assessment criteria, and the office's to-do of plans waiting for an assessment. The links
on an inspection's pages are the plan pages' (registration_pages)."""


def register():
    from core import access, menu, workbench
    from rectification import assessments
    from rectification.models import AssessmentCriterion

    def may_edit_criteria(user):
        return access.can(user, "change", AssessmentCriterion)

    menu.register("整改", menu.MenuItem("整改评估项目", "rectification:criteria", may_edit_criteria))
    workbench.register(assessments.todos_for)
