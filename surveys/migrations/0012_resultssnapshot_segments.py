from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0011_responsetopic_municipality"),
    ]

    operations = [
        migrations.AddField(
            model_name="resultssnapshot",
            name="segments",
            field=models.JSONField(default=dict, verbose_name="numbers per segment"),
        ),
    ]
