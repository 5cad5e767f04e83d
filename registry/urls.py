from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create_view, name="create"),
    path("import/", views.organization_import_view, name="import"),
    path("template.xlsx", views.organization_template, name="template"),
    path("export.xlsx", views.organization_export, name="export"),
    path("kinds/", views.kind_list, name="kinds"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit_view, name="edit"),
    path("<int:pk>/leaders/", views.organization_leader_add_view, name="leader_add"),
    path("<int:pk>/leaders/<int:leader_id>/end/", views.organization_leader_end_view, name="leader_end"),
    path("<int:pk>/leaders/<int:leader_id>/", views.organization_leader_update_view, name="leader_update"),
]
