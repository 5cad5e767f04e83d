from django.apps import AppConfig


class OnsiteConfig(AppConfig):
    name = "onsite"
    verbose_name = "进驻了解"

    def ready(self):
        from onsite import registration

        registration.register_all()
