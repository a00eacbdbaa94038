from django.conf import settings


class PermissionsPolicyMiddleware:
    """Django has no setting for Permissions-Policy: the portal needs no device features."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
