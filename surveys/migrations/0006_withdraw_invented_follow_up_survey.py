"""Earlier initial content published an open follow-up survey that no source announces and
paraphrased the 2022 questions. New installations no longer get either; this brings older
ones in line without touching anything editors have changed or anyone has answered."""

from django.db import migrations

FOLLOW_UP_SLUG = "folgeumfrage-smart-city-transfer"
FOLLOW_UP_TITLE = "Folgeumfrage zum Smart-City-Transfer"
QUESTIONS_2022 = {
    "Welche Aspekte und Themen der Modellprojekte interessieren Ihre Kommune?": (
        "Welche Aspekte der Projekte in den geförderten Kommunen interessieren Sie?"
    ),
    "Wo steht Ihre Kommune im Bereich Smart City, Smart Region?": (
        "Wo stehen Sie im Bereich Smart City, Smart Region?"
    ),
}


def forwards(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    # Withdrawn (set to draft), not deleted: only as loaded, and only if nobody answered.
    Survey.objects.filter(
        slug=FOLLOW_UP_SLUG, title=FOLLOW_UP_TITLE, published=True, responses__isnull=True
    ).update(published=False)
    for old, new in QUESTIONS_2022.items():
        Question.objects.filter(survey__slug="kommunalumfrage-2022", text=old).update(text=new)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_answer_other_selected")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
