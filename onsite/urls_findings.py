"""URLs of the findings part (filled in by its own change)."""

urlpatterns = []
