"""URLs of the feedback part: the office's feedback page of an inspection and the unit's page."""

from django.urls import path

from results import views_feedback

urlpatterns = [
    path("inspections/<int:pk>/feedback/", views_feedback.feedback_page, name="feedback"),
    path("feedback/findings/<int:pk>/exclusion/", views_feedback.feedback_exclusion_view, name="feedback_exclusion"),
    path(
        "feedback/<int:pk>/documents/<slug:kind>.docx",
        views_feedback.feedback_document_view,
        name="feedback_document",
    ),
    path("unit/", views_feedback.unit_page, name="unit"),
    path("unit/feedback/<int:pk>/acknowledge/", views_feedback.unit_acknowledge_view, name="unit_acknowledge"),
]
