"""URLs of the inspection report (巡察报告) and its approval chain."""

from django.urls import path

from results import views_reports as v

urlpatterns = [
    path("reports/", v.report_list, name="reports"),
    path("inspections/<int:pk>/report/", v.report_page, name="report"),
    path("inspections/<int:pk>/report/create/", v.report_create_view, name="report_create"),
    path("inspections/<int:pk>/report/edit/", v.report_edit_view, name="report_edit"),
    path("inspections/<int:pk>/report.docx", v.report_document_view, name="report_document"),
    path("inspections/<int:pk>/special-report.docx", v.special_report_document_view, name="special_report_document"),
    path("reports/<int:report_id>/submit/", v.report_submit_view, name="report_submit"),
    path("reports/<int:report_id>/decide/", v.report_decide_view, name="report_decide"),
    path("reports/<int:report_id>/versions/<int:number>/compare/", v.report_compare_view, name="report_compare"),
]
