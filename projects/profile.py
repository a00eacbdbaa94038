"""The rows of a measure's profile for transfer (issue 19, 1), as the measure page, the
comparison and the Transferplan show them: one label and one value per field, "not known"
where nothing is recorded."""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Row:
    label: str
    value: str | None  # None: not known
    url: str = ""  # the value is this address
    content: bool = False  # text of the editors (content language), line breaks kept


def _euros(amount, band_label):
    if amount is not None:
        return f"{number_format(amount, force_grouping=True)} €"
    return band_label or None


def _without_trailing_zeros(number):
    """0.50 → 0.5, 2.00 → 2 (normalize() alone would make 10.00 into 1E+1)."""
    return number.quantize(1) if number == number.to_integral_value() else number.normalize()


def _staff(measure):
    parts = []
    if measure.staff_fte is not None:
        fte = number_format(_without_trailing_zeros(measure.staff_fte))
        parts.append(_("%(fte)s full-time equivalents") % {"fte": fte})
    if measure.staff_person_days is not None:
        days = measure.staff_person_days
        parts.append(
            ngettext("%(counter)s person-day", "%(counter)s person-days", days) % {"counter": days}
        )
    return " · ".join(parts) or None


def profile_rows(measure):
    months = measure.duration_months
    return [
        Row(_("Goal"), measure.goal or None, content=True),
        Row(_("Transfer phase"), measure.get_transfer_phase_display() or None),
        Row(
            _("Continued after the funding ended"),
            measure.get_continued_after_funding_display() or None,
        ),
        Row(
            _("Investment costs"),
            _euros(measure.investment_eur, measure.get_investment_band_display()),
        ),
        Row(
            _("Running costs per year"),
            _euros(measure.running_costs_eur, measure.get_running_costs_band_display()),
        ),
        Row(_("Funding sources"), measure.funding_sources or None, content=True),
        Row(_("Staff effort"), _staff(measure)),
        Row(
            _("Duration"),
            None
            if months is None
            else ngettext("%(counter)s month", "%(counter)s months", months) % {"counter": months},
        ),
        Row(_("Operating model"), measure.get_operating_model_display() or None),
        Row(_("Open source"), measure.get_open_source_display() or None),
        Row(_("Licence"), measure.licence or None),
        Row(_("Code or product"), measure.code_url or None, url=measure.code_url),
        Row(
            _("Suitable for municipalities of size"),
            "; ".join(size.name for size in measure.size_classes.all()) or None,
            content=True,
        ),
    ]


@dataclass(frozen=True)
class Prerequisite:
    label: str
    needed: bool | None  # None: not known
    note: str


def prerequisites(measure):
    """Every kind of prerequisite in the checklist's order (reads the prefetched
    `prerequisites` once)."""
    return [
        Prerequisite(
            label, None if item is None else item.needed == "ja", item.note if item else ""
        )
        for label, item in measure.prerequisite_checklist()
    ]
