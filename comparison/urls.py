"""The pages of data comparison (under /comparison/, namespace "comparison")."""

from django.urls import path

from comparison.views import datasets, hits, rules, runs

app_name = "comparison"
urlpatterns = [
    path("datasets/", datasets.dataset_list, name="datasets"),
    path("datasets/upload/", datasets.dataset_upload, name="dataset_upload"),
    path("datasets/upload/confirm/", datasets.dataset_confirm, name="dataset_confirm"),
    path("datasets/<int:pk>/", datasets.dataset_page, name="dataset"),
    path("datasets/<int:pk>/rows/", datasets.dataset_rows_page, name="dataset_rows"),
    path("rules/", rules.rule_list, name="rules"),
    path("rules/new/", rules.rule_new, name="rule_new"),
    path("rules/<slug:key>/", rules.rule_page, name="rule"),
    path("rules/<slug:key>/edit/", rules.rule_edit, name="rule_edit"),
    path("runs/", runs.run_list, name="runs"),
    path("runs/new/", runs.run_new, name="run_new"),
    path("runs/<int:pk>/", runs.run_page, name="run"),
    path("runs/<int:pk>/progress/", runs.run_progress, name="run_progress"),
    path("runs/<int:pk>/cancel/", runs.run_cancel_view, name="run_cancel"),
    path("runs/<int:pk>/hits/", hits.run_hits, name="run_hits"),
    path("runs/<int:pk>/hits/export.xlsx", hits.run_hits_export, name="run_hits_export"),
    path("hits/<int:pk>/", hits.hit_page, name="hit"),
    path("hits/<int:pk>/confirm/", hits.hit_confirm_view, name="hit_confirm"),
    path("hits/<int:pk>/dismiss/", hits.hit_dismiss_view, name="hit_dismiss"),
]
