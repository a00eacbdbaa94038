"""An uploaded photo of a contact person is deleted once no contact shows it any more: a
portrait of someone who left must not stay on the server, nor at its address."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from offers.models import Contact


def _delete_photo_file(name):
    """Delete the file once the change is committed, unless a contact still shows it."""
    if name and not Contact.objects.filter(photo=name).exists():
        storage = Contact._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(name))


def _remember_old_photo(sender, instance, **kwargs):
    instance._photo_before = (
        Contact.objects.filter(pk=instance.pk).values_list("photo", flat=True).first()
        if instance.pk
        else None
    )


def _delete_replaced_photo(sender, instance, **kwargs):
    before = getattr(instance, "_photo_before", None)
    if before and before != instance.photo.name:
        _delete_photo_file(before)


def _delete_photo_of_deleted_contact(sender, instance, **kwargs):
    _delete_photo_file(instance.photo.name)


def connect_signals():
    pre_save.connect(_remember_old_photo, sender=Contact, dispatch_uid="contact-photo-before")
    post_save.connect(_delete_replaced_photo, sender=Contact, dispatch_uid="contact-photo-replaced")
    post_delete.connect(
        _delete_photo_of_deleted_contact, sender=Contact, dispatch_uid="contact-photo-deleted"
    )
