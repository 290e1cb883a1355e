"""A document's visibility has three levels (family, case team, council staff only) in place of one flag.

Every document kept from the family until now becomes "council staff only", so nobody reads more after the change
than before it; the history rows are converted the same way, so the history still says who could read what.
"""

from django.db import migrations, models

CHOICES = [
    ("family", "The family and everyone on the case"),
    ("team", "The case team, not the family"),
    ("staff", "Council staff only"),
]


def to_levels(apps, schema_editor):
    for name in ("CaseDocument", "HistoricalCaseDocument"):
        model = apps.get_model("cases", name)
        model.objects.filter(visible_to_family=False).update(visibility="staff")


def to_flag(apps, schema_editor):
    for name in ("CaseDocument", "HistoricalCaseDocument"):
        model = apps.get_model("cases", name)
        model.objects.exclude(visibility="family").update(visible_to_family=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_views_from_the_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="casedocument",
            name="visibility",
            field=models.CharField(choices=CHOICES, default="family", max_length=10, verbose_name="who can see it"),
        ),
        migrations.AddField(
            model_name="historicalcasedocument",
            name="visibility",
            field=models.CharField(choices=CHOICES, default="family", max_length=10, verbose_name="who can see it"),
        ),
        migrations.RunPython(to_levels, to_flag),
        migrations.RemoveField(model_name="casedocument", name="visible_to_family"),
        migrations.RemoveField(model_name="historicalcasedocument", name="visible_to_family"),
    ]
