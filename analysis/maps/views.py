"""The /maps/ page, the launch-site map of all launches or of chosen ones with its downloads, and its land outline."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from core.errors import INVALID_INPUT, error_body

from .. import selectors
from ..params import LaunchFilterParams
from .basemap import land_geojson
from .build import MapUnavailable, site_map_build
from .html import map_context
from .png import map_png

DOWNLOADS = {"geojson", "png"}
# The land outline never changes between releases of the map data.
LAND_MAX_AGE = 24 * 60 * 60


@require_GET
def maps_page(request: HttpRequest) -> HttpResponse:
    """The interactive map page; ?format=geojson or ?format=png downloads the same map."""
    download = request.GET.get("format")
    if download is not None and download not in DOWNLOADS:
        return JsonResponse(error_body(INVALID_INPUT, {"format": ["Must be geojson or png."]}), status=400)
    # Empty form fields mean "any"; the format is not a filter.
    data = {key: value for key, value in request.GET.items() if value != "" and key != "format"}
    params = LaunchFilterParams(data=data)
    valid = params.is_valid()
    if download and not valid:
        return JsonResponse(error_body(INVALID_INPUT, params.errors), status=400)
    if not valid:
        return _page(request, data, params, status=400)
    try:
        site_map = site_map_build(**params.validated_data)
    except MapUnavailable as error:
        if download:
            return JsonResponse(error_body(str(error)), status=404)
        return _page(request, data, params, unavailable=str(error))
    if download == "geojson":
        return HttpResponse(json.dumps(site_map.features, ensure_ascii=False), content_type="application/geo+json")
    if download == "png":
        return HttpResponse(map_png(rows=site_map.rows, title=site_map.title), content_type="image/png")
    context = map_context(features=site_map.features, title=site_map.title)
    return _page(request, data, params, **context, summary=site_map.summary)


def _page(
    request: HttpRequest, data: dict[str, str], params: LaunchFilterParams, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The page with its filter form: the organisations are read only here, since downloads have no form."""
    valid = not params.errors
    context = {
        "title": "Launch site map",
        "organisations": selectors.organisation_names(),
        # Valid filters show as stored (organisation names in their own case); invalid ones as typed.
        "form": params.validated_data if valid else data,
        "query": urlencode(data),
        "errors": None if valid else params.errors,
        **extra,
    }
    return render(request, "maps/page.html", context, status=status)


@require_GET
def maps_land(request: HttpRequest) -> HttpResponse:
    """The land outline that maps draw under their markers when the tile server cannot be reached."""
    response = HttpResponse(land_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={LAND_MAX_AGE}"
    return response
