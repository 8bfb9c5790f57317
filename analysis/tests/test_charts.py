"""Each analysis's chart: a valid Vega-Lite spec from its result, and as a job's PNG, SVG or spec from the API."""

import io
import json
import xml.etree.ElementTree as ElementTree

import altair as alt
import pytest
from PIL import Image

from analysis import charts, selectors
from analysis.models import Job
from analysis.registry import ANALYSES

pytestmark = pytest.mark.django_db

RESULTS = {
    "organisations": (lambda: selectors.organisations(), {}),
    "rockets_by_organisation": (
        lambda: selectors.rockets_by_organisation(organisation="SpaceX"),
        {"organisation": "SpaceX"},
    ),
    "total_cost_by_organisation": (
        lambda: selectors.total_cost_by_organisation(organisation="SpaceX"),
        {"organisation": "SpaceX"},
    ),
    "active_rockets": (lambda: selectors.active_rockets(), {}),
    "success_rates": (lambda: selectors.success_rates(group_by="year"), {"group_by": "year"}),
    "launches_per_year": (lambda: selectors.launches_per_year(split_by="outcome"), {"split_by": "outcome"}),
    "spending": (lambda: selectors.spending(group_by="organisation"), {"group_by": "organisation"}),
}


def finished_job(analysis: str) -> Job:
    """A finished job of an analysis with its real result on the few launches."""
    compute, params = RESULTS[analysis]
    job = Job.objects.create(analysis=analysis, params=params, params_key=analysis)
    job.mark_finished(result=json.loads(json.dumps(compute(), default=str)))
    return job


def test_every_tabular_analysis_has_a_chart_and_every_chart_is_valid_vega_lite(few_launches):
    assert set(charts.JOB_CHARTS) == {name for name, analysis in ANALYSES.items() if analysis.files is None}
    for analysis, (compute, params) in RESULTS.items():
        chart = charts.job_chart(analysis=analysis, result=compute(), params=params)
        kind = alt.LayerChart if "layer" in chart.spec else alt.Chart
        kind.from_dict(chart.spec, validate=True)  # raises on a spec that is not valid Vega-Lite
        assert chart.spec["title"]["text"] == chart.title
        assert chart.rows and chart.columns


def test_success_rates_are_drawn_with_their_rows_and_intervals(few_launches):
    chart = charts.success_rate_chart(selectors.success_rates(group_by="organisation"))

    assert chart.rows == [
        {
            "group": "OKB-586",
            "launch_count": 1,
            "success_count": 1,
            "success_pct": 100.0,
            "low_pct": 20.7,
            "high_pct": 100.0,
        },
        {
            "group": "SpaceX",
            "launch_count": 3,
            "success_count": 1,
            "success_pct": 33.3,
            "low_pct": 6.1,
            "high_pct": 79.2,
        },
        {
            "group": "i-Space",
            "launch_count": 1,
            "success_count": 1,
            "success_pct": 100.0,
            "low_pct": 20.7,
            "high_pct": 100.0,
        },
    ]
    assert [layer["mark"]["type"] for layer in chart.spec["layer"]] == ["bar", "rule"]


def test_a_jobs_chart_is_served_as_png_svg_and_vega_lite(few_launches, client):
    job = finished_job("launches_per_year")
    url = f"/api/jobs/{job.pk}/result/"

    png = client.get(url, {"format": "png"})
    svg = client.get(url, {"format": "svg"})
    spec = client.get(url, {"format": "vega-lite"})

    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width >= charts.RENDER_WIDTH
    assert len(set(image.convert("RGB").getdata())) > 10  # bars, axes and text: not a blank image
    assert svg["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 5
    assert json.loads(spec.content)["title"]["text"] == "Launches per year by outcome"


def test_a_chart_format_of_an_analysis_without_a_chart_is_refused_naming_the_formats(few_launches, client):
    job = Job.objects.create(analysis="launches", params={}, params_key="k")
    job.mark_finished(result={"launches": 5}, artefacts={"csv": "x.csv", "json": "x.json"})

    response = client.get(f"/api/jobs/{job.pk}/result/", {"format": "png"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {"format": ["Choose one of csv, json."]}}


def test_the_pages_chart_libraries_are_the_versions_the_server_renders_with():
    import vl_convert
    from django.conf import settings

    lock = json.loads((settings.BASE_DIR / "package-lock.json").read_text())["packages"]

    assert lock["node_modules/vega"]["version"] == vl_convert.get_vega_version()
    assert lock["node_modules/vega-embed"]["version"] == vl_convert.get_vega_embed_version()
    assert f"v{lock['node_modules/vega-lite']['version']}" == alt.SCHEMA_VERSION
