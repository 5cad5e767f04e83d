"""What the registry registers with core at start-up: the organisation scope, its menu entry, its
workbench figures, and the default kinds of each new authority."""


def register_all():
    from core import scopes
    from core.signals import authority_created
    from registry.models import Organization
    from registry.organizations import organization_kinds_seed

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

    from core import access, menu, workbench

    menu.register(
        "巡察规划", menu.MenuItem("党组织名册", "registry:list", lambda u: access.can(u, "view", Organization))
    )

    def figures(user):
        if not access.can(user, "view", Organization):
            return []
        from registry.organizations import organizations_for

        orgs = organizations_for(user=user)
        return [("党组织", orgs.count(), "个"), ("其中正常", orgs.filter(status="active").count(), "个")]

    workbench.register_figures(figures)
    authority_created.connect(
        lambda sender, authority, **kw: organization_kinds_seed(authority=authority),
        dispatch_uid="registry.seed_kinds",
        weak=False,
    )
