"""URLs of the fieldwork part: talks, document requests, surveys (included under /onsite/)."""

from django.urls import path

from onsite import views_fieldwork as v

urlpatterns = [
    path("inspections/<int:pk>/interviews/", v.interview_list, name="interviews"),
    path(
        "inspections/<int:pk>/interviews/from-leaders/",
        v.interview_plan_from_leaders_view,
        name="interviews_from_leaders",
    ),
    path("interviews/<int:pk>/", v.interview_detail, name="interview"),
    path("inspections/<int:pk>/document-requests/", v.document_request_list, name="document_requests"),
    path("document-requests/<int:pk>/", v.document_request_detail, name="document_request"),
    path("document-requests/<int:pk>/receive/", v.document_request_receive_view, name="document_request_receive"),
    path("document-requests/<int:pk>/review/", v.document_request_review_view, name="document_request_review"),
    path("inspections/<int:pk>/surveys/", v.survey_list, name="surveys"),
    path("surveys/template.xlsx", v.survey_template, name="survey_template"),
    path("surveys/<int:pk>/", v.survey_detail, name="survey"),
    path("surveys/<int:pk>/results/", v.survey_import, name="survey_import"),
]
