"""URLs of the look-back (回头看) check (included under /rectification/, namespace "rectification")."""

from django.urls import path

from rectification import views_lookback as v

urlpatterns = [
    path("lookbacks/<int:pk>/", v.lookback_page, name="lookback"),
    path("lookbacks/<int:pk>/findings/<int:finding_pk>/check/", v.lookback_check_view, name="lookback_check"),
]
