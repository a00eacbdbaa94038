"""What every publishable kind of content shares: its fields and its visibility rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from transfer_portal.lib.editors import is_editor


class PublishedQuerySet(models.QuerySet):
    """Content with a published flag. A model whose visibility depends on more (a measure
    on its project, a date on its offer) overrides published(); visible_to() follows."""

    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Editors see drafts too; everybody else only what is published."""
        return self if is_editor(user) else self.published()


class PublishedContent(models.Model):
    """Published flag and the automatic times of content the editors maintain."""

    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True
