"""The /maps/ page, the launch-site map of all launches or of chosen ones with its downloads, and its land outline."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from core.errors import INVALID_INPUT, error_body
from missions.filters import LaunchFilterForm

from .. import selectors
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
    form = LaunchFilterForm(request.GET)
    if not form.is_valid():
        if download:
            return JsonResponse(error_body(INVALID_INPUT, form.errors_by_name()), status=400)
        return _page(request, form, status=400)
    try:
        site_map = site_map_build(**form.arguments())
    except MapUnavailable as error:
        if download:
            return JsonResponse(error_body(str(error)), status=404)
        return _page(request, form, unavailable=str(error))
    if download == "geojson":
        return HttpResponse(json.dumps(site_map.features, ensure_ascii=False), content_type="application/geo+json")
    if download == "png":
        return HttpResponse(map_png(rows=site_map.rows, title=site_map.title), content_type="image/png")
    context = map_context(features=site_map.features, title=site_map.title)
    return _page(request, form, **context, summary=site_map.summary)


def _page(request: HttpRequest, form: LaunchFilterForm, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The page with its filter form: the organisations are read only here, since downloads have no form."""
    context = {
        "title": "Launch site map",
        "organisations": selectors.organisation_names(),
        "form": form,
        # Valid parameters show as stored (organisation names in their own case), invalid ones as typed.
        "chosen": form.params() if form.is_valid() else form.data,
        # The same selection, for the download links: valid parameters as stored, without the format.
        "query": urlencode(form.params()) if form.is_valid() else "",
        **extra,
    }
    return render(request, "maps/page.html", context, status=status)


@require_GET
def maps_land(request: HttpRequest) -> HttpResponse:
    """The land outline that maps draw under their markers when the tile server cannot be reached."""
    response = HttpResponse(land_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={LAND_MAX_AGE}"
    return response
