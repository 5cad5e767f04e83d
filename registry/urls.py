from django.urls import path

from registry.views import organizations

app_name = "registry"
urlpatterns = [
    path("", organizations.organization_list, name="list"),
    path("new/", organizations.organization_create_view, name="create"),
    path("import/", organizations.organization_import_view, name="import"),
    path("template.xlsx", organizations.organization_template, name="template"),
    path("export.xlsx", organizations.organization_export, name="export"),
    path("kinds/", organizations.kind_list, name="kinds"),
    path("<int:pk>/", organizations.organization_detail, name="detail"),
    path("<int:pk>/edit/", organizations.organization_edit_view, name="edit"),
    path("<int:pk>/leaders/", organizations.organization_leader_add_view, name="leader_add"),
    path("<int:pk>/leaders/<int:leader_id>/end/", organizations.organization_leader_end_view, name="leader_end"),
    path("<int:pk>/leaders/<int:leader_id>/", organizations.organization_leader_update_view, name="leader_update"),
]
