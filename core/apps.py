from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"

    def ready(self):
        from core import scopes
        from core.models import Receiver

        def resolve(ids):
            return {r.pk: (r.authority_id, r.name) for r in Receiver.objects.filter(pk__in=ids)}

        def choices(authority_id):
            return list(Receiver.objects.filter(authority_id=authority_id).values_list("pk", "name"))

        scopes.register("receiver", resolve, choices)
