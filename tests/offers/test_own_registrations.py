"""Registration.objects.of_user: which registrations a person may see as their own."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from offers.models import Registration
from tests import factories as portal
from tests.offers import factories
from transfer_portal.lib.accounts import verified_addresses

pytestmark = pytest.mark.django_db


def _own(user):
    return set(Registration.objects.of_user(user).values_list("name", flat=True))


@pytest.fixture
def erika():
    """An account with its verified primary address."""
    return portal.user("erika@example.org")


def test_registrations_made_with_the_account_are_its_own_whatever_the_address(erika):
    factories.registration(name="Mit Konto", email="andere@example.org", user=erika)
    factories.registration(name="Ohne Konto", email="andere@example.org")
    assert _own(erika) == {"Mit Konto"}


def test_a_verified_address_counts_in_any_case_and_on_any_date(erika):
    factories.registration(name="Klein", email="erika@example.org")
    factories.registration(name="Gross", email="ERIKA@Example.ORG")
    factories.registration(name="Storniert", email="erika@example.org", state="storniert")
    assert _own(erika) == {"Klein", "Gross", "Storniert"}


def test_a_second_verified_address_counts_an_unverified_one_never(erika):
    EmailAddress.objects.create(user=erika, email="erika@amt.example", verified=True)
    EmailAddress.objects.create(user=erika, email="opfer@example.org", verified=False)
    factories.registration(name="Amt", email="erika@amt.example")
    factories.registration(name="Fremd", email="opfer@example.org")
    assert _own(erika) == {"Amt"}


def test_the_accounts_own_address_counts_only_once_verified():
    user = portal.user("neu@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    factories.registration(name="Neu", email="neu@example.org")
    assert _own(user) == set()
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert _own(user) == {"Neu"}


def test_user_email_without_an_address_row_is_not_trusted():
    """user.email alone says nothing about who owns the mailbox."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ohne", "ohne@example.org", "x")
    factories.registration(name="Ohne", email="ohne@example.org")
    assert _own(user) == set()


def test_another_persons_verified_address_is_not_ones_own(erika):
    other = portal.user("kollege@example.org")
    factories.registration(name="Kollege", email="kollege@example.org")
    assert _own(erika) == set()
    assert _own(other) == {"Kollege"}


@pytest.mark.parametrize(
    ("stored", "registered"),
    [
        ("info@xn--mller-kva.de", "info@müller.de"),  # ACE domain, registration in Unicode
        ("Info@Müller.de", "info@müller.de"),  # upper-case umlaut (SQLite: ASCII-only case)
        ("info@mu\u0308ller.de", "info@müller.de"),  # decomposed umlaut
    ],
    ids=["ace-domain", "upper-case-umlaut", "decomposed-umlaut"],
)
def test_an_address_in_another_spelling_of_the_same_mailbox_counts(stored, registered):
    user = portal.user("konto@example.org")
    EmailAddress.objects.create(user=user, email=stored, verified=True)
    factories.registration(name="Müller", email=registered)
    assert _own(user) == {"Müller"}


def test_visitors_who_are_not_logged_in_own_nothing():
    factories.registration(name="Irgendwer")
    assert _own(AnonymousUser()) == set()
    assert verified_addresses(AnonymousUser()) == frozenset()


def test_the_addresses_cost_one_query_and_can_be_passed_in(erika, django_assert_num_queries):
    factories.registration(name="Klein", email="erika@example.org")
    with django_assert_num_queries(1):
        addresses = verified_addresses(erika)
    assert "erika@example.org" in addresses
    with django_assert_num_queries(1):  # only the registrations themselves
        names = list(
            Registration.objects.of_user(erika, addresses=addresses).values_list("name", flat=True)
        )
    assert names == ["Klein"]


def test_active_leaves_out_cancelled_registrations(erika):
    factories.registration(name="Bestätigt", email="erika@example.org")
    factories.registration(name="Wartet", email="erika@example.org", state="warteliste")
    factories.registration(name="Storniert", email="erika@example.org", state="storniert")
    names = Registration.objects.of_user(erika).active().values_list("name", flat=True)
    assert set(names) == {"Bestätigt", "Wartet"}
