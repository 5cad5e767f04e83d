"""What planning registers with core at start-up: the inspection scope, its menu entries and its
workbench to-dos (stages due, objections open)."""


def register_all():
    from core import scopes
    from planning.models import Inspection

    def resolve(ids):
        qs = Inspection.objects.filter(pk__in=ids).select_related("round__term", "organization")
        return {i.pk: (i.authority_id, str(i)) for i in qs}

    def choices(authority_id):
        qs = Inspection.objects.filter(authority_id=authority_id).select_related("round__term", "organization")
        return [(i.pk, str(i)) for i in qs.order_by("-round__term__start_on", "-round__number", "organization__code")]

    scopes.register("inspection", resolve, choices)

    from core import access, menu
    from planning.models import Term

    def may_view_terms(user):
        return access.can(user, "view", Term)

    menu.register("巡察规划", menu.MenuItem("全覆盖进度", "planning:terms", may_view_terms))

    from planning.models import DeadlineSettings

    def may_view_settings(user):
        return access.can(user, "view", DeadlineSettings)

    menu.register("巡察规划", menu.MenuItem("时限设置", "planning:settings", may_view_settings))
    menu.register("巡察规划", menu.MenuItem("文书设置", "planning:document_settings", may_view_settings))

    from planning.models import Inspector

    def may_view_pool(user):
        return access.can(user, "view", Inspector)

    def may_see_objections(user):
        return access.may_somewhere(user, "objection.read_all") or access.may_somewhere(user, "objection.raise")

    def is_inspector(user):
        return Inspector.objects.filter(user=user).exists()

    menu.register("巡察规划", menu.MenuItem("巡察人才库", "planning:pool", may_view_pool))
    menu.register("巡察规划", menu.MenuItem("回避意见", "planning:objections", may_see_objections))
    menu.register("巡察规划", menu.MenuItem("我的回避申报", "planning:my_entry", is_inspector))

    from core import workbench
    from planning import objections, stages

    workbench.register(stages.todos_for)
    workbench.register(objections.todos_for)
