from django.db import migrations

from transfer_portal.lib.search_vectors import InlineSearchVector


class Migration(migrations.Migration):
    dependencies = [("surveys", "0016_count_results_again")]

    operations = [
        InlineSearchVector("surveys_survey"),
    ]
