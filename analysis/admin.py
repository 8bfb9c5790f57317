"""Admin for analysis jobs: read-only, since a job changes state only through its own methods."""

from django.contrib import admin
from django.http import HttpRequest

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
