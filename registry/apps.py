from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "党组织名册"

    def ready(self):
        from core import scopes
        from core.signals import authority_created
        from registry.models import Organization
        from registry.services import organization_kinds_seed

        def resolve(ids):
            return {o.pk: (o.authority_id, f"{o.name}（{o.code}）") for o in Organization.objects.filter(pk__in=ids)}

        def choices(authority_id):
            return [
                (pk, f"{name}（{code}）")
                for pk, name, code in Organization.objects.filter(authority_id=authority_id).values_list(
                    "pk", "name", "code"
                )
            ]

        scopes.register("organization", resolve, choices)
        authority_created.connect(
            lambda sender, authority, **kw: organization_kinds_seed(authority=authority),
            dispatch_uid="registry.seed_kinds",
            weak=False,
        )
