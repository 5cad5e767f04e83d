"""The public reporting pages under /p/ (no login; filled in by the petitions change)."""

app_name = "public"
urlpatterns = []
