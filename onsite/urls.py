"""The pages of on-site work (under /onsite/, namespace "onsite"), and the public reporting pages."""

from django.urls import path

from onsite.views import fieldwork, findings, home, petitions

app_name = "onsite"
urlpatterns = [
    path("", home.home, name="home"),
    path("inspections/<int:pk>/", home.inspection, name="inspection"),
    path("attachments/<int:pk>/", home.attachment_download, name="attachment"),
    # Petitions: the list, entry form and intake designation of one inspection, each petition
    path("inspections/<int:pk>/petitions/", petitions.petition_list, name="petitions"),
    path("inspections/<int:pk>/petitions/new/", petitions.petition_new, name="petition_new"),
    path("inspections/<int:pk>/petitions/intake/", petitions.petition_intake, name="petition_intake"),
    path("inspections/<int:pk>/petitions/channel/lift/", petitions.petition_channel_lift, name="petition_channel_lift"),
    path("petitions/<int:pk>/", petitions.petition_detail, name="petition"),
    path("petitions/<int:pk>/triage/", petitions.petition_triage_view, name="petition_triage"),
    path("petitions/<int:pk>/messages/", petitions.petition_message_view, name="petition_message"),
    # Fieldwork: talks, document requests, surveys
    path("inspections/<int:pk>/interviews/", fieldwork.interview_list, name="interviews"),
    path(
        "inspections/<int:pk>/interviews/from-leaders/",
        fieldwork.interview_plan_from_leaders_view,
        name="interviews_from_leaders",
    ),
    path("interviews/<int:pk>/", fieldwork.interview_detail, name="interview"),
    path("inspections/<int:pk>/document-requests/", fieldwork.document_request_list, name="document_requests"),
    path("document-requests/<int:pk>/", fieldwork.document_request_detail, name="document_request"),
    path(
        "document-requests/<int:pk>/receive/", fieldwork.document_request_receive_view, name="document_request_receive"
    ),
    path("document-requests/<int:pk>/review/", fieldwork.document_request_review_view, name="document_request_review"),
    path("inspections/<int:pk>/surveys/", fieldwork.survey_list, name="surveys"),
    path("surveys/template.xlsx", fieldwork.survey_template, name="survey_template"),
    path("surveys/<int:pk>/", fieldwork.survey_detail, name="survey"),
    path("surveys/<int:pk>/results/", fieldwork.survey_import, name="survey_import"),
    path("surveys/<int:pk>/results/enter/", fieldwork.survey_enter, name="survey_enter"),
    # Working papers, findings and the focus-area taxonomy
    path("inspections/<int:pk>/working-papers/", findings.working_paper_list, name="working_papers"),
    path("inspections/<int:pk>/working-papers/new/", findings.working_paper_create_view, name="working_paper_create"),
    path("working-papers/<int:pk>/", findings.working_paper_detail, name="working_paper"),
    path("working-papers/<int:pk>/edit/", findings.working_paper_edit_view, name="working_paper_edit"),
    path("working-papers/<int:pk>/submit/", findings.working_paper_submit_view, name="working_paper_submit"),
    path("working-papers/<int:pk>/approve/", findings.working_paper_approve_view, name="working_paper_approve"),
    path("working-papers/<int:pk>/return/", findings.working_paper_return_view, name="working_paper_return"),
    path("inspections/<int:pk>/findings/", findings.finding_list, name="findings"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding"),
    path("findings/<int:pk>/immediate-notice.docx", findings.finding_notice_view, name="finding_notice"),
    path(
        "findings/<int:pk>/immediate-notice.pdf", findings.finding_notice_view, {"pdf": True}, name="finding_notice_pdf"
    ),
    path("focus-areas/", findings.focus_areas, name="focus_areas"),
    path("focus-areas/versions/new/", findings.focus_version_create_view, name="focus_version_create"),
    path("focus-areas/versions/<int:pk>/publish/", findings.focus_version_publish_view, name="focus_version_publish"),
    path("focus-areas/versions/<int:pk>/areas/new/", findings.focus_area_create_view, name="focus_area_create"),
    path("focus-areas/<int:pk>/rename/", findings.focus_area_rename_view, name="focus_area_rename"),
    path("focus-areas/<int:pk>/move/", findings.focus_area_move_view, name="focus_area_move"),
    path("focus-areas/<int:pk>/remove/", findings.focus_area_remove_view, name="focus_area_remove"),
]

# The public reporting pages under /p/: no login, built for a phone; no address recorded.
#
# ``/p/<public_id>/`` is the report form of one inspection (the QR code of the public notice
# points at it); ``/p/receipt/`` is the follow-up with the receipt code, which is posted and
# never put in an address.
# Included at /p/ in xuncha/urls.py, namespace "public".
public_patterns = (
    [
        path("receipt/", petitions.public_receipt, name="receipt"),
        path("<str:public_id>/", petitions.public_report, name="report"),
    ],
    "public",
)
