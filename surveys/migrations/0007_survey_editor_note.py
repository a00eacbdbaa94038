from django.db import migrations, models

# As surveys/initial_content.py had it when this migration was written (a migration keeps
# its own copy: later edits there must not change what it did).
SLUG_2022 = "kommunalumfrage-2022"
NOTE_2022 = (
    "Die Quelle (DABB-Seite „Modellprojekte Smart Cities-Transfer Unterstützung“) nennt "
    "nur die drei Fragen dieser Umfrage. Ihre Antwortmöglichkeiten hier sind ein Entwurf "
    "des Portals, nicht die der Umfrage 2022; deren Einzelantworten sind nicht bekannt. "
    "Bekannt sind nur die Angaben der Zusammenfassung."
)


def note_the_2022_options(apps, schema_editor):
    """The 2022 survey loaded before this release gets the note that its answer options
    are the portal's design (the source names only the questions)."""
    Survey = apps.get_model("surveys", "Survey")
    Survey.objects.filter(slug=SLUG_2022, editor_note="").update(editor_note=NOTE_2022)


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
