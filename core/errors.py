"""One JSON error shape for every API error: ``{"detail": "...", "errors": {"field": ["reason", ...]}}``."""

import sys
from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.database import database_unavailable, unavailable

INVALID_INPUT = "Invalid input."
# Renderers that can show an error body; any other accepted format (CSV, GeoJSON...) answers errors in JSON.
ERROR_FORMATS = {"json", "api"}


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The body of every error response."""
    return {"detail": detail, "errors": errors or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped so that validation errors and all other errors share one form."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(INVALID_INPUT, _field_errors(response.data))
    elif isinstance(response.data, dict):
        errors = response.data.get("errors")
        response.data = error_body(str(response.data.get("detail", exc)), _field_errors(errors) if errors else None)
    else:
        response.data = error_body(str(exc))
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format not in ERROR_FORMATS:
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    return response


def _field_errors(data: Any) -> dict[str, list[str]]:
    """Flatten DRF's validation detail into ``{field: [messages]}``."""
    if isinstance(data, dict):
        return {str(field): _messages(value) for field, value in data.items()}
    return {"non_field_errors": _messages(data)}


def _messages(value: Any) -> list[str]:
    """Messages of one field, however deeply DRF nested them."""
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, item in value.items() for message in _messages(item)]
    return [str(value)]


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """404 for any path that no route matches, in the API's error shape."""
    return JsonResponse(error_body("Not found."), status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """500 in the API's error shape, without internals; 503 when the database did not answer (in a middleware)."""
    if database_unavailable(sys.exception()):
        return unavailable()
    return JsonResponse(error_body("Server error."), status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """400 for requests Django itself rejects, such as a disallowed host."""
    return JsonResponse(error_body("Bad request."), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """403 for requests Django itself refuses, such as a failed CSRF check outside the API."""
    return JsonResponse(error_body("Permission denied."), status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """403 for a form post without a valid CSRF token (the admin, the pages), in the API's error shape."""
    return JsonResponse(error_body(f"CSRF verification failed: {reason}"), status=403)
