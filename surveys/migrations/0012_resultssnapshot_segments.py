from django.db import migrations, models


def count_existing_results(apps, schema_editor):
    """The snapshots of the surveys there are, with their numbers by segment. With
    today's counting code: on a fresh database there is no survey, and one migrated from
    before counts once, here (and no longer in 0009, whose code wrote this column)."""
    from surveys.results import refresh_all_results

    refresh_all_results()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0011_responsetopic_municipality"),
        # The segments: Landkreise, kinds and size classes of the municipal directory.
        ("projects", "0018_topic_projects"),
    ]

    operations = [
        migrations.AddField(
            model_name="resultssnapshot",
            name="segments",
            field=models.JSONField(default=dict, verbose_name="numbers per segment"),
        ),
        migrations.RunPython(count_existing_results, migrations.RunPython.noop),
    ]
