"""The API's schema and documentation pages, and the token exchange."""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken

from core.throttling import LoginClientThrottle, LoginUsernameThrottle

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# The one address the bundle fetches from another host: the logo of its side menu, which it hides when it fails.
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
BUNDLE_MAX_AGE = 24 * 60 * 60


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of the API: YAML, or JSON with ?format=json."""


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI over the schema, served with its scripts and styles from this server; its start-up script comes
    from ?script rather than inline, as the Content-Security-Policy requires."""


class RedocView(SpectacularRedocView):
    """ReDoc over the schema, with its script from this server and the system's fonts: nothing from another host."""

    template_name = "api/redoc.html"


@cache
def redoc_script() -> bytes:
    """ReDoc's standalone bundle of drf-spectacular-sidecar, its side-menu logo made a local empty image."""
    with open(finders.find(REDOC_BUNDLE), "rb") as bundle:
        return bundle.read().replace(REDOC_LOGO, b"data:,")


@require_GET
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    """ReDoc's script, served without requests to its CDN."""
    response = HttpResponse(redoc_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={BUNDLE_MAX_AGE}"
    return response


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token to send as 'Authorization: Token <key>'."""

    # Password guessing is limited per client address and per username, whichever runs out first.
    throttle_classes = (LoginClientThrottle, LoginUsernameThrottle)
