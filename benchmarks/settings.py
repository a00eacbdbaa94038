"""Benchmark mode: the portal's settings, with the floor views added to the URLconf.

Used by benchmarks/run.sh (DJANGO_SETTINGS_MODULE=benchmarks.settings); everything else,
production switches included, comes unchanged from transfer_portal/settings.py.
"""

from transfer_portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.root_urls"
