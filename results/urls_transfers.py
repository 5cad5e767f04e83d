"""URLs of the leads and transfers pages (under /results/, namespace "results")."""

from django.urls import path

from results import views_transfers as views

urlpatterns = [
    path("inspections/<int:pk>/leads/", views.lead_list, name="leads"),
    path("inspections/<int:pk>/transfers/", views.transfer_inspection, name="transfers"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer"),
    path("transfers/<int:pk>/letter.docx", views.transfer_letter_view, name="transfer_letter"),
    path("received/", views.received_list, name="received"),
]
