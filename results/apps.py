from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = "报告、反馈和移交"

    def ready(self):
        from results import registration

        registration.register_all()
