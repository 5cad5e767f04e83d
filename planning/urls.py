from django.urls import path

from planning.views import inspections, objections, pool, teams

app_name = "planning"
urlpatterns = [
    path("terms/", inspections.term_list, name="terms"),
    path("terms/<int:pk>/coverage/", inspections.coverage, name="coverage"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path("terms/<int:pk>/rounds/new/", inspections.round_create_view, name="round_create"),
    path("rounds/<int:pk>/", inspections.round_detail, name="round"),
    path("settings/", inspections.deadline_settings_view, name="settings"),
    path("settings/documents/", inspections.document_settings_view, name="document_settings"),
    path("inspections/<int:pk>/documents/<slug:kind>.docx", inspections.inspection_document_view, name="document"),
    path(
        "inspections/<int:pk>/documents/<slug:kind>.pdf",
        inspections.inspection_document_view,
        {"pdf": True},
        name="document_pdf",
    ),
    path("teams/<int:pk>/", teams.team_detail, name="team"),
    path("inspectors/", pool.pool_list, name="pool"),
    path("inspectors/new/", pool.inspector_create_view, name="inspector_create"),
    path("inspectors/me/", pool.my_entry, name="my_entry"),
    path("inspectors/<int:pk>/", pool.inspector_detail, name="inspector"),
    path("objections/", objections.objection_list, name="objections"),
    path("objections/<int:pk>/decide/", objections.objection_decide_view, name="objection_decide"),
    path("rounds/<int:pk>/teams/new/", teams.team_create_view, name="team_create"),
]
