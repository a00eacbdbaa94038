"""Loading the initial content and the local try-out data of all apps, in a fixed order."""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings


def _modules(name):
    for label in settings.PORTAL_CONTENT_APPS:
        module = f"{apps.get_app_config(label).name}.{name}"
        if importlib.util.find_spec(module) is not None:
            yield importlib.import_module(module)


def load_initial_content():
    """Real content from ../shared/source; idempotent, never overwrites editors' changes."""
    for module in _modules("initial_content"):
        module.load()


def load_local_demo(stdout):
    """Clearly labelled sample data and accounts for trying the portal out locally.

    Each app's local_demo.load(stdout) prints what it created (for example credentials).
    """
    for module in _modules("local_demo"):
        module.load(stdout)
