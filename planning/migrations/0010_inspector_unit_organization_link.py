"""Links each inspector's 所在单位 text to the registry organisation of exactly that name.

Only where the authority's registry holds one active organisation (or, failing that, one
organisation) of that name; an inspector already linked is left alone, so the migration can
run again. Text that names no registry organisation stays as the free-text fallback.
"""

from django.db import migrations

BATCH = 500


def link_units(apps, schema_editor):
    Inspector = apps.get_model("planning", "Inspector")
    Organization = apps.get_model("registry", "Organization")
    pending = Inspector.objects.filter(unit_organization__isnull=True).exclude(unit="").order_by("pk")
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        for inspector in batch:
            named = list(Organization.objects.filter(authority_id=inspector.authority_id, name=inspector.unit.strip()))
            active = [o for o in named if o.status == "active"]
            match = active if active else named
            if len(match) == 1:
                inspector.unit_organization_id = match[0].pk
                inspector.save(update_fields=["unit_organization"])


class Migration(migrations.Migration):
    dependencies = [("planning", "0009_inspector_unit_organization")]

    operations = [migrations.RunPython(link_units, migrations.RunPython.noop)]
