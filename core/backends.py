from django.contrib.auth.backends import ModelBackend

from core.models import User


class XunchaBackend(ModelBackend):
    """Django's backend, loading the user with their authority (shown on every page)."""

    def get_user(self, user_id):
        user = User.objects.select_related("authority").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
