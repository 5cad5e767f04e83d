"""URLs of the feedback part (filled in by its own change)."""

urlpatterns = []
