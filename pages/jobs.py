"""The analysis pages: the catalogue as forms, submitting a job, the job list and a job's result with its chart."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from analysis import selectors as analyses
from analysis import services
from analysis.charts import CHART_FORMATS, job_chart
from analysis.models import Job, JobStatus
from analysis.registry import ANALYSES

from .forms import analysis_form

RECENT_JOBS = 100


def _catalogue(*, submitted: str = "", data: Any = None) -> list[dict[str, Any]]:
    """Each analysis with its form; the one just submitted carries what was typed and its errors."""
    organisations = analyses.organisation_names()
    return [
        {
            "analysis": analysis,
            "form": analysis_form(
                analysis.params,
                name=name,
                organisations=organisations,
                data=data if name == submitted else None,
            ),
            "label": name.replace("_", " ").capitalize(),
            "open": name == submitted,
        }
        for name, analysis in ANALYSES.items()
    ]


@require_GET
def analysis_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: one form per analysis, built from its parameter definitions."""
    return render(request, "pages/analyses.html", {"title": "Analyses", "catalogue": _catalogue()})


@require_http_methods(["POST"])
def analysis_submit(request: HttpRequest, name: str) -> HttpResponse:
    """Submit an analysis from its form and follow the job on its result page; errors show on the form."""
    analysis = ANALYSES.get(name)
    if analysis is None:
        raise Http404(f"Unknown analysis {name!r}.")
    form = analysis.params(request.POST)
    if not form.is_valid():
        context = {"title": "Analyses", "catalogue": _catalogue(submitted=name, data=request.POST)}
        return render(request, "pages/analyses.html", context, status=400)
    try:
        submission = services.job_create(analysis=name, params=form.params())
    except services.JobQueueUnavailable as error:
        context = {"title": "Analyses", "catalogue": _catalogue(), "unavailable": str(error)}
        return render(request, "pages/analyses.html", context, status=503)
    return redirect("result", pk=submission.job.pk)


@require_GET
def result_list(request: HttpRequest) -> HttpResponse:
    """The most recent jobs, newest first."""
    jobs = analyses.jobs().only("id", "analysis", "params", "status", "created_at", "finished_at")[:RECENT_JOBS]
    return render(request, "pages/results.html", {"title": "Results", "jobs": jobs})


@require_GET
def result(request: HttpRequest, pk: str) -> HttpResponse:
    """One job: followed live while it runs, then its chart and table, its files, or why it failed."""
    job = services.job_reconcile(job=get_object_or_404(Job, pk=pk))
    analysis = ANALYSES.get(job.analysis)
    chart = None
    if job.status == JobStatus.FINISHED:
        chart = job_chart(analysis=job.analysis, result=job.ordered_result, params=job.params)
    result_url = f"/api/jobs/{job.pk}/result/"
    downloads = {
        file_format: f"{result_url}?format={file_format}" for file_format in (analysis.formats if analysis else [])
    }
    if chart is not None:
        downloads.update({file_format: f"{result_url}?format={file_format}" for file_format in CHART_FORMATS})
    context = {
        "title": f"Result: {job.analysis.replace('_', ' ').capitalize()}",
        "job": job,
        "analysis": analysis,
        "chart": chart,
        "charts": {"result": chart} if chart else {},
        "downloads": downloads,
        "files": analysis is not None and analysis.files is not None,
        "map_image": f"{result_url}?format=png" if job.analysis == "launch_site_map" and job.artefacts else "",
        "table": None if chart or not isinstance(job.ordered_result, list) else job.ordered_result,
    }
    return render(request, "pages/result.html", context)
