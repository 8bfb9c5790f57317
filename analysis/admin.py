"""Admin for analysis jobs: read-only, since a job changes state only through its own methods."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join

from . import services
from .models import Job

# How a job's file is named in its links, by format.
FILE_LABELS = {"html": "Map (HTML)", "png": "Map (PNG)", "geojson": "GeoJSON", "csv": "CSV", "json": "JSON"}


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs by newest first, filterable by status and analysis."""

    list_display = ["id", "analysis", "status", "created_at", "started_at", "finished_at", "data_version"]
    list_filter = ["status", "analysis"]
    search_fields = ["id", "analysis"]
    # The files as links to where the API serves them, instead of their paths in the storage.
    exclude = ["artefacts"]
    readonly_fields = [*(field.name for field in Job._meta.fields if field.name != "artefacts"), "files"]
    show_full_result_count = False

    @admin.display(description="files")
    def files(self, job: Job) -> str:
        """A link per file the job wrote, to its result in that format."""
        url = reverse("job-result", kwargs={"pk": job.pk})
        links = ((f"{url}?format={name}", FILE_LABELS.get(name, name.upper())) for name in job.artefacts)
        return format_html_join(" · ", '<a href="{}">{}</a>', links) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Job) -> None:
        # Through the service, as the API deletes: the job's files go too, and the job list's version moves on.
        services.job_delete(job=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        for job in queryset:
            services.job_delete(job=job)
