from django.db import models, transaction
from django_otp.models import Device


class RecoveryCodes(Device):
    """One-use recovery codes (恢复码) for a lost phone, as a django-otp device.

    Only keyed hashes of the codes are kept (``core.twofactor.recovery_digest``); a code
    that signs someone in is struck off.
    """

    digests = models.JSONField("恢复码摘要", default=list)

    class Meta(Device.Meta):
        verbose_name = "恢复码"

    def verify_token(self, token) -> bool:
        from core.twofactor import recovery_digest

        digest = recovery_digest(str(token))
        if digest is None:
            return False
        with transaction.atomic():
            fresh = RecoveryCodes.objects.select_for_update().filter(pk=self.pk).first()
            if fresh is None or digest not in fresh.digests:
                return False
            fresh.digests.remove(digest)
            fresh.save(update_fields=["digests"])
        self.digests = fresh.digests
        return True
