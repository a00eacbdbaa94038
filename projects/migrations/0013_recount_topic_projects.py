"""A topic's public project count now includes the projects with a published measure on
it (issue 19, 5): the stored counts are counted again once."""

from django.db import migrations


def recount(apps, schema_editor):
    ModelProject = apps.get_model("projects", "ModelProject")
    Measure = apps.get_model("projects", "Measure")
    TopicCount = apps.get_model("projects", "TopicCount")
    linked = ModelProject.topics.through.objects.filter(modelproject__published=True)
    through_measures = Measure.topics.through.objects.filter(
        measure__published=True, measure__project__published=True
    )
    pairs = linked.values_list("topic_id", "modelproject_id").union(
        through_measures.values_list("topic_id", "measure__project_id")
    )
    counts = {}
    for topic_id, _project_id in pairs:
        counts[topic_id] = counts.get(topic_id, 0) + 1
    for row in TopicCount.objects.all():
        row.projects = counts.get(row.topic_id, 0)
        row.save(update_fields=["projects"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0012_measure_project_title")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
