"""Answering a page: its template, or one of its charts as an image, a spec or its table as CSV."""

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode

from analysis.charts import CHART_FORMATS, Chart, chart_render
from core.errors import INVALID_INPUT, error_body

DOWNLOADS = {**CHART_FORMATS, "csv": "text/csv; charset=utf-8"}


def chart_links(request: HttpRequest, name: str) -> dict[str, str]:
    """The download addresses of one chart of this page: the page's own address with ?chart= and ?format=."""
    query = {key: value for key, value in request.GET.items() if key not in {"chart", "format", "page"}}
    return {
        file_format: f"{request.path}?{urlencode({**query, 'chart': name, 'format': file_format})}"
        for file_format in DOWNLOADS
    }


def table_csv(chart: Chart) -> str:
    """The table a chart was drawn from, as CSV with its column labels."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([label for _key, label in chart.columns])
    writer.writerows([row.get(key) for key, _label in chart.columns] for row in chart.rows)
    return text.getvalue()


def chart_download(chart: Chart, *, name: str, file_format: str) -> HttpResponse:
    """One chart as PNG, SVG, Vega-Lite or its table as CSV, named for saving."""
    if file_format == "csv":
        content = table_csv(chart).encode()
    else:
        content = chart_render(chart.spec, file_format=file_format)
    response = HttpResponse(content, content_type=DOWNLOADS[file_format])
    extension = "vl.json" if file_format == "vega-lite" else file_format
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """The page, or with ?chart=NAME&format=png|svg|vega-lite|csv one of its charts (a 400 names a bad one)."""
    charts: dict[str, Chart] = context.get("charts") or {}
    name, file_format = request.GET.get("chart"), request.GET.get("format")
    if name is None and file_format is None:
        links = {key: chart_links(request, key) for key in charts}
        return render(request, template, {**context, "chart_downloads": links}, status=status)
    if name not in charts:
        return JsonResponse(error_body(INVALID_INPUT, {"chart": [f"Choose one of {', '.join(charts)}."]}), status=400)
    if file_format not in DOWNLOADS:
        return JsonResponse(
            error_body(INVALID_INPUT, {"format": [f"Choose one of {', '.join(DOWNLOADS)}."]}), status=400
        )
    return chart_download(charts[name], name=name, file_format=file_format)
