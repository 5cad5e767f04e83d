from django.db import models


class RateCounter(models.Model):
    """One rate limit's count in one window (``core.ratelimit``). The key names a use and
    a window, never a person or an address: a client is a keyed hash that changes daily.
    Rows are deleted once their window has passed."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
