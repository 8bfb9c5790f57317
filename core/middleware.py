"""Response headers every page carries."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# What the HTML pages may load: scripts, styles and data from this host only, map tiles from their server. No
# 'unsafe-eval': the charts evaluate their expressions with Vega's interpreter. Styles may be inline, since the chart
# and map libraries set them on the elements they draw.
PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",  # ReDoc parses the schema in a worker it makes from a blob
    "font-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}


def content_security_policy(policy: dict[str, str] = PAGE_POLICY) -> str:
    """A Content-Security-Policy header of the given directives, with MAP_TILE_URL's host allowed for images."""
    tiles = urlsplit(settings.MAP_TILE_URL)
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    directives = {**policy, "img-src": policy["img-src"] + tile_origin}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header with every HTML response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy()
        return response
