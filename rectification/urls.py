"""The pages of rectification (under /rectification/, namespace "rectification")."""

from django.urls import path

from rectification.views import assessments, ledger, lookback, plans, reminders, tasks

app_name = "rectification"
urlpatterns = [
    # Plans
    path("", plans.plan_list, name="plans"),
    path("inspections/<int:pk>/plan/", plans.inspection_plan, name="inspection_plan"),
    path("plans/<int:pk>/", plans.plan_page, name="plan"),
    path("plans/<int:pk>/summary/", plans.plan_summary_view, name="plan_summary"),
    path("plans/<int:pk>/submit/", plans.plan_submit_view, name="plan_submit"),
    path("plans/<int:pk>/review/", plans.plan_review_view, name="plan_review"),
    path("plans/<int:pk>/head-report/", plans.plan_head_report_view, name="plan_head_report"),
    # Tasks
    path("plans/<int:pk>/tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/<int:pk>/", tasks.task_page, name="task"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", tasks.task_delete_view, name="task_delete"),
    path("tasks/<int:pk>/progress/", tasks.task_progress_view, name="task_progress"),
    path("tasks/<int:pk>/verify/", tasks.task_verify_view, name="task_verify"),
    path("tasks/<int:pk>/reject/", tasks.task_reject_view, name="task_reject"),
    path("evidence/<int:pk>/", tasks.evidence_download, name="evidence"),
    path("reminders/", reminders.reminder_list, name="reminders"),
    path("reminders/<int:pk>/notice.docx", reminders.reminder_document_view, name="reminder_document"),
    path("reminders/<int:pk>/notice.pdf", reminders.reminder_document_view, {"pdf": True}, name="reminder_pdf"),
    path("reminders/settings/", reminders.reminder_settings_view, name="reminder_settings"),
    path("ledger/", ledger.ledger_page, name="ledger"),
    path("ledger/export.xlsx", ledger.ledger_export_view, name="ledger_export"),
    path("plans/<int:pk>/ledger.xlsx", ledger.plan_ledger_view, name="plan_ledger"),
    path("plans/<int:pk>/ledger/import/", ledger.plan_ledger_import_view, name="plan_ledger_import"),
    # Assessment: the assessment page of a plan, the rectification report and its public version, the criteria
    path("plans/<int:pk>/assessment/", assessments.assessment_page, name="assessment"),
    path("plans/<int:pk>/documents/<slug:kind>.docx", assessments.report_document_view, name="report_document"),
    path(
        "plans/<int:pk>/documents/<slug:kind>.pdf", assessments.report_document_view, {"pdf": True}, name="report_pdf"
    ),
    path("criteria/", assessments.criteria_page, name="criteria"),
    path("criteria/<int:pk>/", assessments.criterion_edit_view, name="criterion_edit"),
    # The look-back (回头看) check
    path("lookbacks/<int:pk>/", lookback.lookback_page, name="lookback"),
    path("lookbacks/<int:pk>/findings/<int:finding_pk>/check/", lookback.lookback_check_view, name="lookback_check"),
]
