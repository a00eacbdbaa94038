"""ResponseTopic stores its response's municipality too, for counting the municipalities
interested in a topic without joining the responses (issue 18)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_municipalities(apps, schema_editor):
    ResponseTopic = apps.get_model("surveys", "ResponseTopic")
    Response = apps.get_model("surveys", "Response")
    ResponseTopic.objects.update(
        municipality=Subquery(
            Response.objects.filter(pk=OuterRef("response_id")).values("municipality_id")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_covering_indexes_for_topic_counts"),
        ("surveys", "0010_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="responsetopic",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(copy_municipalities, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="responsetopic",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AddIndex(
            model_name="responsetopic",
            index=models.Index(fields=["topic", "survey", "municipality"], name="topic_interest"),
        ),
    ]
