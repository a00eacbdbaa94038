import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q


def count_topics(apps, schema_editor):
    """The counts of projects/topic_counts.py, with the models as they are at this step."""
    Topic = apps.get_model("projects", "Topic")
    TopicCount = apps.get_model("projects", "TopicCount")
    ModelProject = apps.get_model("projects", "ModelProject")
    Measure = apps.get_model("projects", "Measure")
    Insight = apps.get_model("projects", "Insight")

    def per_topic(rows):
        grouped = rows.order_by().values("topic_id").annotate(n=Count("pk"))
        return dict(grouped.values_list("topic_id", "n"))

    projects = per_topic(ModelProject.topics.through.objects.filter(modelproject__published=True))
    measures = per_topic(
        Measure.topics.through.objects.filter(
            measure__published=True, measure__project__published=True
        )
    )
    insights = per_topic(
        Insight.objects.filter(published=True, project__published=True).filter(
            Q(measure__isnull=True) | Q(measure__published=True)
        )
    )
    TopicCount.objects.bulk_create(
        TopicCount(
            topic_id=pk,
            projects=projects.get(pk, 0),
            measures=measures.get(pk, 0),
            insights=insights.get(pk, 0),
        )
        for pk in Topic.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_covering_indexes_for_topic_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicCount",
            fields=[
                (
                    "topic",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="public_counts",
                        serialize=False,
                        to="projects.topic",
                    ),
                ),
                ("projects", models.PositiveIntegerField(default=0, verbose_name="model projects")),
                ("measures", models.PositiveIntegerField(default=0, verbose_name="measures")),
                (
                    "insights",
                    models.PositiveIntegerField(default=0, verbose_name="lessons learned"),
                ),
            ],
            options={
                "verbose_name": "topic count",
                "verbose_name_plural": "topic counts",
            },
        ),
        migrations.RunPython(count_topics, migrations.RunPython.noop),
    ]
