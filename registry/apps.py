from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "党组织名册"

    def ready(self):
        from registry import registration

        registration.register_all()
