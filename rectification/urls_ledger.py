from django.urls import path

from rectification import views_ledger

urlpatterns = [
    path("ledger/", views_ledger.ledger_page, name="ledger"),
    path("ledger/export.xlsx", views_ledger.ledger_export_view, name="ledger_export"),
    path("plans/<int:pk>/ledger.xlsx", views_ledger.plan_ledger_view, name="plan_ledger"),
    path("plans/<int:pk>/ledger/import/", views_ledger.plan_ledger_import_view, name="plan_ledger_import"),
]
