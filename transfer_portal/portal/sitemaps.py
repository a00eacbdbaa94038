"""sitemap.xml: every published page, in German and English, and nothing unpublished."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from offers.models import EventDate, Offer
from projects.models import Measure, ModelProject, Topic
from surveys.models import Survey
from transfer_portal.portal.models import LegalPage


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(PortalSitemap):
    names = [
        "home",
        "projects:project_list",
        "projects:measure_list",
        "projects:insight_list",
        "projects:topic_list",
        "surveys:survey_list",
        "offers:offer_list",
        "offers:event_list",
        "offers:event_archive",
        "offers:contact_list",
        "open_data",
    ]

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


class LegalPagesSitemap(PortalSitemap):
    def items(self):
        return LegalPage.objects.order_by("kind")

    def lastmod(self, item):
        return item.updated_at


class ProjectSitemap(PortalSitemap):
    def items(self):
        return ModelProject.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class MeasureSitemap(PortalSitemap):
    def items(self):
        return Measure.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class TopicSitemap(PortalSitemap):
    def items(self):
        return Topic.objects.order_by("pk")


class OfferSitemap(PortalSitemap):
    def items(self):
        return Offer.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class EventDateSitemap(PortalSitemap):
    def items(self):
        return EventDate.objects.filter(offer__published=True).order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class SurveySitemap(PortalSitemap):
    def items(self):
        return Survey.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "seiten": StaticPagesSitemap,
    "rechtliches": LegalPagesSitemap,
    "modellprojekte": ProjectSitemap,
    "massnahmen": MeasureSitemap,
    "themen": TopicSitemap,
    "angebote": OfferSitemap,
    "termine": EventDateSitemap,
    "umfragen": SurveySitemap,
}
