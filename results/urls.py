"""The pages of results (under /results/, namespace "results"): reports, feedback, leads and transfers."""

from django.urls import path

from results.views import feedback, reports, transfers

app_name = "results"
urlpatterns = [
    # The inspection report
    path("reports/", reports.report_list, name="reports"),
    path("inspections/<int:pk>/report/", reports.report_page, name="report"),
    path("inspections/<int:pk>/report/create/", reports.report_create_view, name="report_create"),
    path("inspections/<int:pk>/report/edit/", reports.report_edit_view, name="report_edit"),
    path("inspections/<int:pk>/report.docx", reports.report_document_view, name="report_document"),
    path(
        "inspections/<int:pk>/special-report.docx", reports.special_report_document_view, name="special_report_document"
    ),
    path("inspections/<int:pk>/report.pdf", reports.report_document_view, {"pdf": True}, name="report_pdf"),
    path(
        "inspections/<int:pk>/special-report.pdf",
        reports.special_report_document_view,
        {"pdf": True},
        name="special_report_pdf",
    ),
    path("reports/<int:report_id>/submit/", reports.report_submit_view, name="report_submit"),
    path("reports/<int:report_id>/decide/", reports.report_decide_view, name="report_decide"),
    path("reports/<int:report_id>/versions/<int:number>/compare/", reports.report_compare_view, name="report_compare"),
    # The feedback part: the office's feedback page of an inspection and the unit's page
    path("inspections/<int:pk>/feedback/", feedback.feedback_page, name="feedback"),
    path("feedback/findings/<int:pk>/exclusion/", feedback.feedback_exclusion_view, name="feedback_exclusion"),
    path(
        "feedback/<int:pk>/documents/<slug:kind>.docx",
        feedback.feedback_document_view,
        name="feedback_document",
    ),
    path(
        "feedback/<int:pk>/documents/<slug:kind>.pdf",
        feedback.feedback_document_view,
        {"pdf": True},
        name="feedback_document_pdf",
    ),
    path("unit/", feedback.unit_page, name="unit"),
    path("unit/feedback/<int:pk>/acknowledge/", feedback.unit_acknowledge_view, name="unit_acknowledge"),
    # The leads and transfers pages
    path("leads/", transfers.lead_index, name="lead_index"),
    path("inspections/<int:pk>/leads/", transfers.lead_list, name="leads"),
    path("inspections/<int:pk>/transfers/", transfers.transfer_inspection, name="transfers"),
    path("transfers/", transfers.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer"),
    path("transfers/<int:pk>/letter.docx", transfers.transfer_letter_view, name="transfer_letter"),
    path("transfers/<int:pk>/letter.pdf", transfers.transfer_letter_view, {"pdf": True}, name="transfer_letter_pdf"),
    path("received/", transfers.received_list, name="received"),
]
