"""What results registers with core at start-up: menu entries, workbench to-dos, and the
links on an inspection's pages."""


def register_all():
    from django.urls import reverse

    from core import access, menu, workbench
    from results import feedback, leads, reports, transfers
    from results.models import InspectionReport, Transfer

    def may_view_reports(user):
        return access.can(user, "view", InspectionReport)

    def may_view_transfers(user):
        return bool(access.authorities_for(user, "view", Transfer))

    menu.register("问题与报告", menu.MenuItem("巡察报告", "results:reports", may_view_reports))
    menu.register("移交", menu.MenuItem("问题线索", "results:lead_index", leads.may_view_leads_somewhere))
    menu.register("移交", menu.MenuItem("移交台账", "results:transfer_list", may_view_transfers))
    menu.register(
        "移交", menu.MenuItem("接收移交", "results:received", lambda u: access.may_somewhere(u, "transfer.answer"))
    )
    menu.register(
        "问题与报告",
        menu.MenuItem("反馈意见", "results:unit", lambda u: access.may_somewhere(u, "feedback.acknowledge")),
    )
    workbench.register(reports.todos_for)
    workbench.register(feedback.todos_for)
    workbench.register(transfers.todos_for)

    def links(user, inspection):
        found = [
            ("巡察报告", reverse("results:report", args=[inspection.pk])),
            ("巡察反馈", reverse("results:feedback", args=[inspection.pk])),
        ]
        if leads.may_view_leads(user, inspection):
            found.append(("问题线索", reverse("results:leads", args=[inspection.pk])))
        if inspection.authority_id in access.authorities_for(user, "view", Transfer):
            found.append(("移交", reverse("results:transfers", args=[inspection.pk])))
        return found

    menu.register_inspection_links(links)
