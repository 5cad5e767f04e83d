from django.db import migrations, models
from django.utils import timezone


def date_issued_numbers(apps, schema_editor):
    """Numbers issued before dates were kept get the date their documents printed: a transfer
    letter its transfer's date, a reminder's notice the day the step was raised, a feedback
    document the feedback's date, a preparation document the day its number was issued."""
    DocumentNumber = apps.get_model("planning", "DocumentNumber")
    Transfer = apps.get_model("results", "Transfer")
    Feedback = apps.get_model("results", "Feedback")
    Reminder = apps.get_model("rectification", "Reminder")
    for n in DocumentNumber.objects.filter(dated_on__isnull=True):
        prefix, _, rest = n.kind.partition("-")
        on = None
        if prefix == "transfer" and rest.isdigit():
            on = Transfer.objects.filter(pk=int(rest)).values_list("sent_on", flat=True).first()
        elif prefix == "reminder" and rest.isdigit():
            on = Reminder.objects.filter(pk=int(rest)).values_list("raised_on", flat=True).first()
        elif prefix == "feedback":
            on = Feedback.objects.filter(inspection_id=n.inspection_id).values_list("issued_on", flat=True).first()
        n.dated_on = on or timezone.localtime(n.issued_at).date()
        n.save(update_fields=["dated_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0011_document_registers"),
        ("results", "0001_initial"),
        ("rectification", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentnumber",
            name="dated_on",
            field=models.DateField(null=True, verbose_name="成文日期"),
        ),
        migrations.RunPython(date_issued_numbers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="documentnumber",
            name="dated_on",
            field=models.DateField(help_text="编号时确定，此后每次下载都印这一天", verbose_name="成文日期"),
        ),
    ]
