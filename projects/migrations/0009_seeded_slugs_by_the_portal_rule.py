"""Seeded slugs by the portal's one rule (transfer_portal/lib/slugs.py): the initial content
made them with Django's slugify(), which drops umlauts ("fur", "groschadenslagen"). Changed
only where an entry still has its seeded slug and the new one is free; the measures' old
addresses lead to the new ones (lib.OldSlug, a 301). Municipalities have no page."""

from django.db import migrations

MEASURES = {
    "cottbus-app-fur-groschadenslagen": "cottbus-app-fuer-grossschadenslagen",
    "cottbus-verkehrszahlung": "cottbus-verkehrszaehlung",
    "zukunftsschusterei-verwaltung-fur-morgen": "zukunftsschusterei-verwaltung-fuer-morgen",
    "zukunftsschusterei-mobilitat-mobilitatscampus": (
        "zukunftsschusterei-mobilitaet-mobilitaetscampus"
    ),
    "zukunftsschusterei-dorfgemeinschaftshauser-20": (
        "zukunftsschusterei-dorfgemeinschaftshaeuser-20"
    ),
}
MUNICIPALITIES = {
    "markisch-oderland": "maerkisch-oderland",
    "spree-neie": "spree-neisse",
    "teltow-flaming": "teltow-flaeming",
}


def _rename(model, renames):
    """Rename where the old slug is still there and the new one free; returns the
    {old slug: pk} of what was renamed."""
    renamed = {}
    for old, new in renames.items():
        entry = model.objects.filter(slug=old).first()
        if entry is None or model.objects.filter(slug=new).exists():
            continue
        model.objects.filter(pk=entry.pk).update(slug=new)
        renamed[old] = entry.pk
    return renamed


def forwards(apps, schema_editor):
    Measure = apps.get_model("projects", "Measure")
    renamed = _rename(Measure, MEASURES)
    _rename(apps.get_model("projects", "Municipality"), MUNICIPALITIES)
    if not renamed:
        return  # a fresh database: the initial content is loaded with the new slugs
    ContentType = apps.get_model("contenttypes", "ContentType")
    OldSlug = apps.get_model("lib", "OldSlug")
    kind, _created = ContentType.objects.get_or_create(app_label="projects", model="measure")
    for old, pk in renamed.items():
        OldSlug.objects.update_or_create(content_type=kind, slug=old, defaults={"object_id": pk})


def backwards(apps, schema_editor):
    Measure = apps.get_model("projects", "Measure")
    renamed = _rename(Measure, {new: old for old, new in MEASURES.items()})
    Municipality = apps.get_model("projects", "Municipality")
    _rename(Municipality, {new: old for old, new in MUNICIPALITIES.items()})
    OldSlug = apps.get_model("lib", "OldSlug")
    OldSlug.objects.filter(
        content_type__app_label="projects",
        content_type__model="measure",
        slug__in=list(MEASURES),
        object_id__in=list(renamed.values()),
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("lib", "0002_oldslug"),
        ("projects", "0008_insight_updated_at"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
