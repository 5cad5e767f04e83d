"""URLs of the assessment part: the assessment page of a plan, the rectification report and
its public version, and the office's assessment criteria."""

from django.urls import path

from rectification import views_assessments as views

urlpatterns = [
    path("plans/<int:pk>/assessment/", views.assessment_page, name="assessment"),
    path("plans/<int:pk>/documents/<slug:kind>.docx", views.report_document_view, name="report_document"),
    path("criteria/", views.criteria_page, name="criteria"),
    path("criteria/<int:pk>/", views.criterion_edit_view, name="criterion_edit"),
]
