"""Atom feeds of new content: the whole portal, and one per topic."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offers.models import EventDate, Offer
from projects.models import Measure, Topic
from surveys.models import Survey

ITEMS_PER_KIND = 20
ITEMS = 30


@dataclass
class Entry:
    kind: str
    title: str
    description: str
    url: str
    updated: datetime


def _entries(topic=None):
    measures = Measure.objects.published().select_related("project").order_by("-created_at")
    offers = Offer.objects.published().order_by("-created_at")
    # Only dates still to come: a date over long ago (the 2022 workshops of the initial
    # content, say) is no news, whenever it was entered.
    dates = (
        EventDate.objects.upcoming()
        .filter(offer__published=True, cancelled=False)
        .select_related("offer")
        .order_by("-updated_at")
    )
    surveys = Survey.objects.published().order_by("-created_at")
    if topic is not None:
        measures = measures.filter(topics=topic)
        offers = offers.filter(topics=topic)
        dates = dates.filter(offer__topics=topic)
        surveys = surveys.filter(top_topics=topic)
    entries = [
        *(
            Entry(
                _("Measure"),
                f"{m.title} ({m.project.title})",
                m.summary,
                m.get_absolute_url(),
                m.created_at,
            )
            for m in measures[:ITEMS_PER_KIND]
        ),
        *(
            Entry(_("Offer"), o.title, o.summary, o.get_absolute_url(), o.created_at)
            for o in offers[:ITEMS_PER_KIND]
        ),
        *(
            Entry(
                _("Date"),
                d.label(),
                d.location,
                d.get_absolute_url(),
                d.updated_at,
            )
            for d in dates[:ITEMS_PER_KIND]
        ),
        *(
            Entry(_("Survey"), s.title, s.intro, s.get_absolute_url(), s.created_at)
            for s in surveys.distinct()[:ITEMS_PER_KIND]
        ),
    ]
    return sorted(entries, key=lambda entry: entry.updated, reverse=True)[:ITEMS]


class NewContentFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Smart City Transfer Portal Brandenburg: new content")
    subtitle = gettext_lazy("New measures, offers, dates and surveys.")
    author_name = "DigitalAgentur Brandenburg"  # RFC 4287: a feed names its author

    def link(self):
        return reverse("home")

    def items(self):
        return _entries()

    def item_title(self, item):
        return f"{item.kind}: {item.title}"

    def item_description(self, item):
        # Atom summaries are type="html": the editors' plain text, escaped, with its
        # paragraphs (a "<" in it is text, not markup).
        return linebreaks(item.description, autoescape=True)

    def item_link(self, item):
        return item.url

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.updated


class TopicFeed(NewContentFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return _("Smart City Transfer Portal Brandenburg: %(topic)s") % {"topic": topic.name}

    def link(self, topic):
        return topic.get_absolute_url()

    def subtitle(self, topic):
        return topic.description

    def items(self, topic):
        return _entries(topic)
