"""User accounts as the portal uses them: which addresses are proven, a verified account."""

from django.contrib.auth import get_user_model

from transfer_portal.lib.validators import normalize_email


def create_verified_user(email, password, **extra):
    """A user whose e-mail address allauth treats as verified, so login works at once."""
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=password, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def verified_addresses(user):
    """The spellings of the account's verified e-mail addresses (as stored and as
    normalize_email writes them); empty for anonymous visitors. One query. An address added
    to an account but never confirmed proves nothing: it is never among them."""
    from allauth.account.models import EmailAddress

    if not user.is_authenticated:
        return frozenset()
    stored = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return frozenset(spelling for email in stored for spelling in (email, normalize_email(email)))
