"""Repeated reads answered from the cache until what they read changes."""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.front_cache import answer_reusable
from core.models import VersionCounter
from core.versions import version_and_cached

T = TypeVar("T")


def answer_cached(
    *, view: APIView, request: Request, counter: type[VersionCounter], answer: Callable[[], HttpResponse]
) -> HttpResponse:
    """The JSON answer to this request as cached for the ``counter``'s current number, computed and stored when not.

    The counter moves on with every change of what the answer reads, so a stored answer is never served stale.
    Authentication, permissions and throttles have already run: only the queries and serialization are skipped.
    The whole answer may be served again in front of Django (core.front_cache) while the number stays the same.
    """
    seconds = settings.API_CACHE_SECONDS
    if not seconds or request.accepted_renderer.format != "json":
        return answer()
    # Hashed: an address can be longer than a cache key may be (and carry characters keys may not).
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    key = f"{type(view).__name__}:{address}"
    # Stored with the number it was computed under: one key per address, replaced as the number moves on.
    version, stored = version_and_cached(counter=counter, key=key)
    if stored is not None and stored[0] == version:
        response = HttpResponse(stored[1], content_type=request.accepted_media_type)
    else:
        response = answer()
        if not isinstance(response, Response) or response.status_code != 200:
            return response
        # Rendered here, with what DRF would give it after the view, to be stored.
        response = view.finalize_response(request, response)
        caches["api"].set(key, (version, response.render().content), seconds)
    answer_reusable(request=request, view=view, counter=counter, version=version)
    return response


class VersionCacheMixin:
    """Cache the JSON answers of a viewset's list and detail by ``cache_counter``, a counter of what they read."""

    cache_counter: type[VersionCounter]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._cached(request, lambda: super(VersionCacheMixin, self).list(request, *args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._cached(request, lambda: super(VersionCacheMixin, self).retrieve(request, *args, **kwargs))

    def _cached(self, request: Request, answer: Callable[[], HttpResponse]) -> HttpResponse:
        """The answer for the current version."""
        return answer_cached(view=self, request=request, counter=self.cache_counter, answer=answer)


def computed_for_version(*, name: str, version: int, compute: Callable[[], T]) -> T:
    """What ``compute()`` returns for this ``version`` of the data it reads: computed once, then from the cache.

    Pages keep their figures and charts here, so that repeated views of unchanged data run no aggregate again.
    """
    seconds = settings.API_CACHE_SECONDS
    if not seconds:
        return compute()
    cache = caches["api"]
    key = f"page:{version}:{hashlib.sha256(name.encode()).hexdigest()}"
    hit = cache.get(key)
    if hit is None:
        hit = compute()
        cache.set(key, hit, seconds)
    return hit
