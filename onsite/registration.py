"""What onsite registers with core at start-up: scopes of the focus-area seed and the menu."""


def register_all():
    from core import access, menu
    from core.signals import authority_created
    from onsite.focus_seed import focus_taxonomy_seed
    from planning.models import Inspection

    authority_created.connect(
        lambda sender, authority, **kw: focus_taxonomy_seed(authority=authority),
        dispatch_uid="onsite.seed_focus",
        weak=False,
    )

    def may_view_cases(user):
        return access.can(user, "view", Inspection)

    menu.register("进驻了解", menu.MenuItem("进驻了解", "onsite:home", may_view_cases))

    from core import workbench
    from onsite import papers
    from onsite.models import FocusTaxonomy

    menu.register(
        "问题与报告",
        menu.MenuItem("监督重点", "onsite:focus_areas", lambda user: access.can(user, "view", FocusTaxonomy)),
    )
    workbench.register(papers.todos_for)

    def links(user, inspection):
        from django.urls import reverse

        return [("进驻了解", reverse("onsite:inspection", args=[inspection.pk]))]

    menu.register_inspection_links(links)
