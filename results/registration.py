"""What results registers with core at start-up: menu entries and workbench to-dos."""


def register_all():
    from core import access, menu, workbench
    from results import reports
    from results.models import InspectionReport

    def may_view_reports(user):
        return access.can(user, "view", InspectionReport)

    menu.register("问题与报告", menu.MenuItem("巡察报告", "results:reports", may_view_reports))
    workbench.register(reports.todos_for)
