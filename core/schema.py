"""The OpenAPI schema's generator: every operation documents the refusals any request may meet, in the error shape."""

from typing import Any

from drf_spectacular import openapi

from core.errors import ErrorSerializer
from core.permissions import IsStaffOrReadOnly

# Refusals that any operation may answer, whatever its own: a bad parameter or body, a missing or bad token, a
# forbidden write, an unknown object or page, the rate limits, and the database or the queue out of reach.
COMMON_ERRORS = {
    "400": "A parameter or the body is invalid; errors names each by name.",
    "401": "Authentication is needed (or the token sent is invalid).",
    "403": "The user may not do this: writes need staff.",
    "404": "No such object or page.",
    "429": "Too many requests: the rate limit's Retry-After header says when to try again.",
    "503": "The database or the job queue is unavailable; nothing was changed.",
}
# Media types whose bodies are not JSON: described as text, whatever the serializer of the JSON answer.
TEXT_TYPES = ("text/csv", "text/plain", "text/html")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the public reads open to anonymous clients and every error documented."""

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        public_read = self.method in ("GET", "HEAD", "OPTIONS") and any(
            isinstance(permission, IsStaffOrReadOnly) for permission in self.view.get_permissions()
        )
        return [*auths, {}] if public_read and {} not in auths else auths

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            enum = parameter.get("schema", {}).get("enum")
            if parameter["name"] == "format" and enum and "" not in enum:  # ?format= empty: the default format
                enum.append("")
        error = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        responses = operation.setdefault("responses", {})
        for code, description in COMMON_ERRORS.items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            content = response.get("content", {})
            if code.startswith(("4", "5")):  # errors answer in JSON whatever format was asked for
                response["content"] = error
            else:
                for media_type in content:
                    if media_type.startswith(TEXT_TYPES):
                        content[media_type] = {"schema": {"type": "string"}}
        return operation
