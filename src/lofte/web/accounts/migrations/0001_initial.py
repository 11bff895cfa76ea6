import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLES = [
    "viewer",
    "svf_coordinator",
    "process_leader",
    "statistician",
    "rcc_admin",
    "applicant",
    "assessor",
    "decision_maker",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Scope",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("regions", models.JSONField(blank=True, default=list, verbose_name="regioner")),
                (
                    "pathways",
                    models.JSONField(blank=True, default=list, verbose_name="vårdförlopp"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scope",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "behörighetsomfång"},
        ),
        migrations.RunPython(create_groups, remove_groups),
    ]
