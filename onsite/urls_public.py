"""The public reporting pages under /p/: no login, built for a phone; no address recorded.

``/p/<public_id>/`` is the report form of one inspection (the QR code of the public notice
points at it); ``/p/receipt/`` is the follow-up with the receipt code, which is posted and
never put in an address."""

from django.urls import path

from onsite import views_petitions as views

app_name = "public"
urlpatterns = [
    path("receipt/", views.public_receipt, name="receipt"),
    path("<str:public_id>/", views.public_report, name="report"),
]
