from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_project_titles(apps, schema_editor):
    """Each measure takes its project's title, as projects/search_context.py keeps it."""
    Measure = apps.get_model("projects", "Measure")
    ModelProject = apps.get_model("projects", "ModelProject")
    title = ModelProject.objects.filter(pk=OuterRef("project_id")).values("title")[:1]
    Measure.objects.update(project_title=Subquery(title))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0011_topic_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="project_title",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=200,
                verbose_name="title of the model project",
            ),
        ),
        migrations.RunPython(copy_project_titles, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                fields=["project_title", "title"],
                include=("published", "project", "id"),
                name="measure_by_project",
            ),
        ),
    ]
