"""Record each event file's SHA-256 and size (issue 12: a verified event store).

Deliveries registered before this migration get the hash of their file as it is now: the best
baseline there is; ``lofte check`` reports any file that is missing or unreadable at this point.
"""

import hashlib
from pathlib import Path

from django.db import migrations, models


def _backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lofte import config

    Delivery = apps.get_model("svf", "Delivery")
    home = config.home()
    for delivery in Delivery.objects.exclude(events_path="").filter(events_sha256=""):
        path = Path(home) / delivery.events_path
        try:
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            continue
        delivery.events_sha256 = digest.hexdigest()
        delivery.events_bytes = path.stat().st_size
        delivery.save(update_fields=["events_sha256", "events_bytes"])


class Migration(migrations.Migration):
    dependencies = [("svf", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="events_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="delivery",
            name="events_bytes",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop),
    ]
