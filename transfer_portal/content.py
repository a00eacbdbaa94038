"""Loading the initial content and the local try-out data of all apps, in a fixed order."""

import importlib
import importlib.util

CONTENT_APPS = ("transfer_portal", "projects", "surveys", "offers")


def _modules(name):
    for app in CONTENT_APPS:
        if importlib.util.find_spec(f"{app}.{name}") is not None:
            yield importlib.import_module(f"{app}.{name}")


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
