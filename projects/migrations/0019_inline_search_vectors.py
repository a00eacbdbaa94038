from django.db import migrations

from transfer_portal.lib.search_vectors import InlineSearchVector


class Migration(migrations.Migration):
    dependencies = [("projects", "0018_topic_projects")]

    operations = [
        InlineSearchVector("projects_modelproject"),
        InlineSearchVector("projects_measure"),
        InlineSearchVector("projects_insight"),
    ]
