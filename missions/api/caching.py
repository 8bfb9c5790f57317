"""Repeated reads of the launch data answered from the cache until the data changes."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from missions import selectors


class DataVersionCacheMixin:
    """Cache the JSON answers of list and detail, keyed by the data version.

    Every write to the launch data (an import, a clear, a geocoding run, an edit in the admin) bumps the version, so
    all cached answers become unreachable at once and nothing stale is served. Authentication, permissions and
    throttles still run for every request: only the query and serialization are skipped.
    """

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._cached(request, lambda: super(DataVersionCacheMixin, self).list(request, *args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._cached(request, lambda: super(DataVersionCacheMixin, self).retrieve(request, *args, **kwargs))

    def _cached(self, request: Request, answer: Callable[[], HttpResponse]) -> HttpResponse:
        """The cached answer to this request on the current data, computing and storing it when there is none."""
        seconds = settings.API_CACHE_SECONDS
        if not seconds or request.accepted_renderer.format != "json":
            return answer()
        cache = caches["api"]
        key = f"{type(self).__name__}:{selectors.data_version()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            return HttpResponse(hit, content_type=request.accepted_media_type)
        response = answer()
        if isinstance(response, Response) and response.status_code == 200:
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            cache.set(key, response.render().content, seconds)
        return response
