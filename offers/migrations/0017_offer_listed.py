"""The list of offers reads the published ones in order of title from an index (issue 18)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0016_public_flags"),
        ("projects", "0022_public_flags"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=models.Q(("published", True)), fields=["title", "id"], name="offer_listed"
            ),
        ),
    ]
