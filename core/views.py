"""The API's schema and documentation pages, and the token exchange."""

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken

from core.throttling import LoginClientThrottle, LoginUsernameThrottle


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of the API: YAML, or JSON with ?format=json."""


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI over the schema, served with its scripts and styles from this server; its start-up script comes
    from ?script rather than inline, as the Content-Security-Policy requires."""


class RedocView(SpectacularRedocView):
    """ReDoc over the schema, served with its scripts and styles from this server."""


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token to send as 'Authorization: Token <key>'."""

    # Password guessing is limited per client address and per username, whichever runs out first.
    throttle_classes = (LoginClientThrottle, LoginUsernameThrottle)
