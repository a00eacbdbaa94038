from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import render
from django.template import loader
from django.utils import translation

from transfer_portal.lib import slugs

NUL = "\x00"


class PermissionsPolicyMiddleware:
    """Django has no setting for Permissions-Policy: the portal needs no device features."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class MethodNotAllowedPageMiddleware:
    """Django answers a method a view does not take with an empty 405, a blank page for a
    person who opens, say, /konto/meine-daten/ (only a button posts there): this renders a
    page that says what happened, keeping the status and the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


class RenamedSlugMiddleware:
    """A page asked for by a slug its object had before (a 404) leads to the same page at
    the current slug, permanently (301): links and bookmarks survive a renaming. Like
    Django's redirects app, it looks only after a 404, so found pages cost nothing more.
    After AuthenticationMiddleware: a draft's new address is only for editors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return slugs.redirect_from_old_slug(request) or response
        return response


class RefuseNulBytesMiddleware:
    """A NUL character has no place in any address, query or form of the portal, and
    PostgreSQL refuses text holding one (psycopg raises DataError): it reached the database
    as an error, the 503 maintenance page and an ERROR log for a malformed request. Such a
    request gets the 400 page before anything else runs. A cookie holding one was never set
    by the portal and is ignored (a session key with one failed every page the same way).

    Early in MIDDLEWARE, before the session is read and before LocaleMiddleware: the page's
    language comes from the address here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in list(request.COOKIES.items()):
            if NUL in name or NUL in value:
                del request.COOKIES[name]
        if _holds_nul(request):
            language = translation.get_language_from_path(request.path_info)
            with translation.override(language or settings.LANGUAGE_CODE):
                return HttpResponseBadRequest(loader.render_to_string("400.html"))
        return self.get_response(request)


def _holds_nul(request):
    if NUL in request.path:
        return True
    data = [request.GET]
    if request.method == "POST":
        data.append(request.POST)
    return any(
        NUL in key or any(NUL in value for value in values)
        for query in data
        for key, values in query.lists()
    )
