from django.urls import include, path

app_name = "rectification"
urlpatterns = [
    path("", include("rectification.urls_plans")),
    path("", include("rectification.urls_tasks")),
    path("", include("rectification.urls_reminders")),
    path("", include("rectification.urls_ledger")),
    path("", include("rectification.urls_assessments")),
    path("", include("rectification.urls_lookback")),
]
