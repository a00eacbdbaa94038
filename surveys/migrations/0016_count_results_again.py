from django.db import migrations


def count_existing_results(apps, schema_editor):
    """The snapshots of the surveys there are, with their numbers by segment and of
    self-assessments. With today's counting code, which reads the tables of the migrations
    before this one: on a fresh database there is no survey, and one migrated from before
    counts once, here. A later migration that changes what the counting code reads moves
    this step after itself (as this one took it over from 0009)."""
    from surveys.results import refresh_all_results

    refresh_all_results()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0015_waves"),
        # The segments: Landkreise, kinds and size classes of the municipal directory.
        ("projects", "0018_topic_projects"),
    ]

    operations = [migrations.RunPython(count_existing_results, migrations.RunPython.noop)]
