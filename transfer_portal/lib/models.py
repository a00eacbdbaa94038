"""What kinds of content share: the published flag and its visibility rule, and old
slugs that lead to the current address."""

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
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


class OldSlug(models.Model):
    """A slug an object had before it was renamed: its old addresses lead to the current
    ones (301), see RedirectsOldSlugs."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of content")
    )
    object_id = models.PositiveBigIntegerField(_("renamed entry"))
    slug = models.SlugField(_("former slug"), max_length=200, db_index=False)  # see Meta
    created_at = models.DateTimeField(_("renamed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            # One object per old address: the one that had it last.
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="lib_oldslug_one_object_per_slug"
            ),
        ]
        # The constraint's index finds an old slug; this one an object's old slugs.
        indexes = [models.Index(fields=["content_type", "object_id"], name="lib_oldslug_object")]

    def __str__(self):
        return self.slug


class RedirectsOldSlugs(models.Model):
    """Content whose pages are found by its slug. When the slug changes (an editor renames
    it, a data migration changes it), the old one is kept, and the pages named in
    `slug_url_names` answer at the old slug with a permanent redirect to the new address
    (RenamedSlugMiddleware; only after a 404, so a page costs nothing more).

    Only a save() of the object records the change; QuerySet.update() does not."""

    # The names of the URLs whose `slug` argument is this model's slug.
    slug_url_names = ()

    old_slugs = GenericRelation(OldSlug)

    class Meta:
        abstract = True

    def save(self, **kwargs):
        before = getattr(self, "stored_slug", None)
        update_fields = kwargs.get("update_fields")
        unchanged = not before or before == self.slug
        if update_fields is not None and "slug" not in update_fields:
            super().save(**kwargs)
            return
        if unchanged:
            super().save(**kwargs)
            self.stored_slug = self.slug
            return
        with transaction.atomic(using=kwargs.get("using")):
            super().save(**kwargs)
            kind = ContentType.objects.get_for_model(self)
            # The new slug is this object's now; the old one leads here from now on.
            OldSlug.objects.filter(content_type=kind, slug=self.slug).delete()
            OldSlug.objects.update_or_create(
                content_type=kind, slug=before, defaults={"object_id": self.pk}
            )
        self.stored_slug = self.slug

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.stored_slug = instance.__dict__.get("slug")  # None when deferred
        return instance
