"""Admin for analysis jobs: read-only, since a job changes state only through its own methods."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs by newest first, filterable by status and analysis."""

    list_display = ["id", "analysis", "status", "created_at", "started_at", "finished_at", "data_version"]
    list_filter = ["status", "analysis"]
    search_fields = ["id", "analysis"]
    readonly_fields = [field.name for field in Job._meta.fields]
    show_full_result_count = False

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
