"""URLs of the petitions part (filled in by its own change)."""

urlpatterns = []
