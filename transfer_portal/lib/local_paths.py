"""Where the portal sends a person on: a path of its own, never another host."""

from django.utils.http import url_has_allowed_host_and_scheme


def is_local_path(url):
    """A path on this host, one that no browser reads as another host ("//host/",
    "/\\host", "///host"). Not a bare word: `redirect("umfragen")` would take it for the
    name of a view, and a name that no view has fails (500) instead of being refused."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
