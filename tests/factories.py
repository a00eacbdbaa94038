"""Small factories for tests: explicit defaults, every call makes new, unique objects."""

import itertools

from django.contrib.auth.models import Group

from projects.models import Insight, Measure, ModelProject, Municipality, Topic
from transfer_portal.lib.accounts import create_verified_user
from transfer_portal.lib.editors import EDITOR_GROUP

_counter = itertools.count(1)


def _next():
    return next(_counter)


def user(email=None, password="test-passwort-123", **extra):
    return create_verified_user(email or f"nutzer{_next()}@example.org", password, **extra)


def editor(email=None):
    account = user(email or f"redaktion{_next()}@example.org", is_staff=True)
    account.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return account


def topic(**fields):
    n = _next()
    fields.setdefault("name", f"Testthema {n}")
    fields.setdefault("slug", f"testthema-{n}")
    fields.setdefault("position", 100 + n)
    return Topic.objects.create(**fields)


def municipality(**fields):
    n = _next()
    fields.setdefault("name", f"Testgemeinde {n}")
    fields.setdefault("slug", f"testgemeinde-{n}")
    fields.setdefault("kind", Municipality.Kind.MUNICIPALITY)
    return Municipality.objects.create(**fields)


def project(topics=(), municipalities=None, **fields):
    n = _next()
    fields.setdefault("title", f"Testprojekt {n}")
    fields.setdefault("slug", f"testprojekt-{n}")
    fields.setdefault("published", True)
    obj = ModelProject.objects.create(**fields)
    obj.municipalities.set(municipalities if municipalities is not None else [municipality()])
    obj.topics.set(topics)
    return obj


def measure(project_=None, topics=(), **fields):
    n = _next()
    fields.setdefault("title", f"Testmaßnahme {n}")
    fields.setdefault("slug", f"testmassnahme-{n}")
    fields.setdefault("published", True)
    obj = Measure.objects.create(project=project_ or project(), **fields)
    obj.topics.set(topics)
    return obj


def insight(project_=None, topic_=None, **fields):
    fields.setdefault("kind", Insight.Kind.TIP)
    fields.setdefault("text", f"Testerkenntnis {_next()}")
    fields.setdefault("published", True)
    return Insight.objects.create(project=project_ or project(), topic=topic_ or topic(), **fields)
