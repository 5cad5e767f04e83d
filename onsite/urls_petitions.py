"""URLs of the petitions part: the list, entry form and intake designation of one
inspection, and each petition's page with its triage and messages."""

from django.urls import path

from onsite import views_petitions as views

urlpatterns = [
    path("inspections/<int:pk>/petitions/", views.petition_list, name="petitions"),
    path("inspections/<int:pk>/petitions/new/", views.petition_new, name="petition_new"),
    path("inspections/<int:pk>/petitions/intake/", views.petition_intake, name="petition_intake"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition"),
    path("petitions/<int:pk>/triage/", views.petition_triage_view, name="petition_triage"),
    path("petitions/<int:pk>/messages/", views.petition_message_view, name="petition_message"),
]
