from django.urls import include, path

from onsite import views

app_name = "onsite"
urlpatterns = [
    path("", views.home, name="home"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("", include("onsite.urls_petitions")),
    path("", include("onsite.urls_fieldwork")),
    path("", include("onsite.urls_findings")),
]
