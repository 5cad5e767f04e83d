"""URLs of the transfers part (filled in by its own change)."""

urlpatterns = []
