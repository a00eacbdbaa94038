from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import render


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
