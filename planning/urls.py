from django.urls import path

from planning import views, views_objections, views_pool, views_teams

app_name = "planning"
urlpatterns = [
    path("terms/", views.term_list, name="terms"),
    path("terms/<int:pk>/coverage/", views.coverage, name="coverage"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("terms/<int:pk>/rounds/new/", views.round_create_view, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("settings/", views.deadline_settings_view, name="settings"),
    path("settings/documents/", views.document_settings_view, name="document_settings"),
    path("inspections/<int:pk>/documents/<slug:kind>.docx", views.inspection_document_view, name="document"),
    path("teams/<int:pk>/", views_teams.team_detail, name="team"),
    path("inspectors/", views_pool.pool_list, name="pool"),
    path("inspectors/new/", views_pool.inspector_create_view, name="inspector_create"),
    path("inspectors/me/", views_pool.my_entry, name="my_entry"),
    path("inspectors/<int:pk>/", views_pool.inspector_detail, name="inspector"),
    path("objections/", views_objections.objection_list, name="objections"),
    path("objections/<int:pk>/decide/", views_objections.objection_decide_view, name="objection_decide"),
    path("rounds/<int:pk>/teams/new/", views_teams.team_create_view, name="team_create"),
]
