from django.urls import include, path

app_name = "results"
urlpatterns = [
    path("", include("results.urls_reports")),
    path("", include("results.urls_feedback")),
    path("", include("results.urls_transfers")),
]
