from django.db import migrations, models

from surveys.initial_content import SURVEY_2022


def note_the_2022_options(apps, schema_editor):
    """The 2022 survey loaded before this release gets the note that its answer options
    are the portal's design (the source names only the questions)."""
    Survey = apps.get_model("surveys", "Survey")
    Survey.objects.filter(slug=SURVEY_2022["slug"], editor_note="").update(
        editor_note=SURVEY_2022["editor_note"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0006_withdraw_invented_follow_up_survey"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="editor_note",
            field=models.TextField(
                blank=True,
                help_text="Never shown on the portal, e.g. where questions or options come from.",
                verbose_name="note for the editors",
            ),
        ),
        migrations.RunPython(note_the_2022_options, migrations.RunPython.noop),
    ]
