"""The API's schema and documentation pages, and the token exchange."""

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of the API: YAML, or JSON with ?format=json."""


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI over the schema, served with its scripts and styles from this server."""


class RedocView(SpectacularRedocView):
    """ReDoc over the schema, served with its scripts and styles from this server."""


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token to send as 'Authorization: Token <key>'."""
