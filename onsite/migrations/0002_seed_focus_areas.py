from django.db import migrations


def seed(apps, schema_editor):
    from onsite.focus_seed import seed_with

    FocusTaxonomy = apps.get_model("onsite", "FocusTaxonomy")
    FocusArea = apps.get_model("onsite", "FocusArea")
    for authority_id in apps.get_model("core", "Authority").objects.values_list("pk", flat=True):
        seed_with(FocusTaxonomy, FocusArea, authority_id)


class Migration(migrations.Migration):
    dependencies = [("onsite", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
