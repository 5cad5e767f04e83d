from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "巡察规划"

    def ready(self):
        from planning import registration

        registration.register_all()
