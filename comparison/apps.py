from django.apps import AppConfig


class ComparisonConfig(AppConfig):
    name = "comparison"
    verbose_name = "数据比对"

    def ready(self):
        from comparison import registration

        registration.register_all()
