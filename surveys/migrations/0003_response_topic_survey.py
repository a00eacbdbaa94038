"""ResponseTopic rows carry their response's survey, and exist for submitted responses only.

The rows are derived (surveys/topics.py), so they are computed anew here from the answers
(historical models: no signals), the way rebuild() does.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

SUBMITTED = "abgegeben"


def _check_now(schema_editor):
    """On PostgreSQL, a table whose rows changed with foreign-key checks still pending
    cannot be altered in the same transaction (the column becomes required below)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def refill(apps, schema_editor):
    _check_now(schema_editor)
    Through = apps.get_model("surveys", "Answer").choices.through
    ResponseTopic = apps.get_model("surveys", "ResponseTopic")
    ResponseTopic.objects.all().delete()
    rows = (
        Through.objects.filter(answer__response__state=SUBMITTED, choice__topic__isnull=False)
        .values_list("answer__response_id", "answer__response__survey_id", "choice__topic_id")
        .distinct()
    )
    ResponseTopic.objects.bulk_create(
        (
            ResponseTopic(response_id=response, survey_id=survey, topic_id=topic)
            for response, survey, topic in rows
        ),
        batch_size=2000,
    )


def refill_without_survey(apps, schema_editor):
    """Back to the rows of 0002: every response, drafts included."""
    _check_now(schema_editor)
    apps.get_model("surveys", "ResponseTopic").objects.all().delete()
    importlib.import_module("surveys.migrations.0002_response_topics").fill(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_response_topics"),
    ]

    operations = [
        migrations.AddField(
            model_name="responsetopic",
            name="survey",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="surveys.survey",
                verbose_name="survey",
            ),
        ),
        migrations.RunPython(refill, refill_without_survey),
        migrations.AlterField(
            model_name="responsetopic",
            name="survey",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="surveys.survey",
                verbose_name="survey",
            ),
        ),
        migrations.AddIndex(
            model_name="responsetopic",
            index=models.Index(fields=["survey", "topic"], name="surveys_res_survey__1c411e_idx"),
        ),
    ]
