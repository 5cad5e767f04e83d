"""URLs of the fieldwork part (filled in by its own change)."""

urlpatterns = []
