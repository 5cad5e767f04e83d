"""URLs of the reports part (filled in by its own change)."""

urlpatterns = []
