"""Admin of the launch data: browse launches, see counts per organisation, rocket, site and pad, correct sites."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from .geocoding import site_coordinates_correct
from .models import DataVersion, ImportRun, Launch, LaunchSite, Organisation, Pad, Rocket, TimePrecision
from .services import launches_sync_enqueue

# The public page of each kind of row, by its id.
PAGE_PATHS: dict[type[Model], str] = {
    Organisation: "/organisations/{}/",
    Rocket: "/rockets/{}/",
    LaunchSite: "/sites/{}/",
}
# Longer missions are cut in the launch list (the whole name shows on hover), so its columns fit the window.
MISSION_CHARS = 40


def page_url(obj: Model) -> str:
    """The address of a row's public page."""
    return PAGE_PATHS[type(obj)].format(obj.pk)


def page_link(obj: Model) -> str:
    """A link to a row's public page, named after the row."""
    return format_html('<a href="{}">{}</a>', page_url(obj), obj)


class PublicPageMixin:
    """Each row links to its public page: "View on site" on its form, and a column of the list."""

    def view_on_site(self, obj: Model) -> str:
        return page_url(obj)

    @admin.display(description="page")
    def page(self, obj: Model) -> str:
        return format_html('<a href="{}">View page</a>', page_url(obj))


class DataVersionAdminMixin:
    """Edits made here change the launch data: bump its version, so cached answers and analyses are not reused."""

    def save_model(self, request: HttpRequest, obj, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        DataVersion.bump()

    def delete_model(self, request: HttpRequest, obj) -> None:
        super().delete_model(request, obj)
        DataVersion.bump()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        DataVersion.bump()


class LaunchCountMixin:
    """Annotate each row with its number of launches, in the list query itself, and let people sort by it."""

    launch_count_path = "launches"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(launch_count=Count(self.launch_count_path))

    @admin.display(description="launches", ordering="launch_count")
    def launch_count(self, obj) -> int:
        return obj.launch_count


class YearFilter(admin.SimpleListFilter):
    """Launches of one year."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        years = Launch.objects.dates("launched_at", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(launched_at__year=int(self.value())) if self.value() else queryset


class RocketStatusFilter(admin.ChoicesFieldListFilter):
    """Launches by their rocket's status (active or retired), not the launch's own outcome."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.title = "rocket status"


class CountryFilter(admin.SimpleListFilter):
    """Launches from one country."""

    title = "country"
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        countries = Pad.objects.order_by("country").values_list("country", flat=True).distinct()
        return [(country, country) for country in countries]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pad__country=self.value()) if self.value() else queryset


@admin.register(Launch)
class LaunchAdmin(DataVersionAdminMixin, admin.ModelAdmin):
    """Every launch with its organisation, rocket, pad, time, price and outcome."""

    list_display = [
        "launch_time",
        "organisation_link",
        "rocket_link",
        "mission_name",
        "site_link",
        "sources",
        "price",
        "outcome",
    ]
    list_select_related = ["organisation", "rocket", "pad__site"]
    list_filter = [
        "mission_status",
        "from_file",
        ("ll2_id", admin.EmptyFieldListFilter),
        ("rocket__status", RocketStatusFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
        CountryFilter,
        YearFilter,
    ]
    search_fields = ["mission", "rocket__name", "organisation__name", "pad__location"]
    date_hierarchy = "launched_at"
    autocomplete_fields = ["organisation", "pad", "rocket"]
    readonly_fields = ["from_file", "file_launched_at", "ll2_id", "sources"]
    show_full_result_count = False  # the unfiltered count is a second full scan on large tables

    def save_model(self, request: HttpRequest, obj: Launch, form: forms.ModelForm, change: bool) -> None:
        """A launch added here is keyed by its time as a file's row is, so that an import of it finds it."""
        if not change and obj.from_file and obj.file_launched_at is None:
            obj.file_launched_at = obj.launched_at
        super().save_model(request, obj, form, change)

    @admin.display(description="sources")
    def sources(self, launch: Launch) -> str:
        return ", ".join(launch.sources)

    @admin.display(description="launched (UTC)", ordering="launched_at")
    def launch_time(self, launch: Launch) -> str:
        """The day alone when only the day is known, rather than a made-up midnight."""
        if launch.time_precision == TimePrecision.DAY:
            return f"{launch.launched_at:%Y-%m-%d}"
        return f"{launch.launched_at:%Y-%m-%d %H:%M}"

    @admin.display(description="organisation", ordering="organisation__name")
    def organisation_link(self, launch: Launch) -> str:
        return page_link(launch.organisation)

    @admin.display(description="rocket", ordering="rocket__name")
    def rocket_link(self, launch: Launch) -> str:
        return page_link(launch.rocket)

    @admin.display(description="mission", ordering="mission")
    def mission_name(self, launch: Launch) -> str:
        if len(launch.mission) <= MISSION_CHARS:
            return launch.mission
        return format_html('<span title="{}">{}…</span>', launch.mission, launch.mission[: MISSION_CHARS - 1])

    @admin.display(description="site", ordering="pad__site__name")
    def site_link(self, launch: Launch) -> str:
        return format_html(
            '<a href="{}" title="{}">{}</a>', page_url(launch.pad.site), launch.pad, launch.pad.site.name
        )

    @admin.display(description="outcome", ordering="mission_status")
    def outcome(self, launch: Launch) -> str:
        return launch.get_mission_status_display()


@admin.register(Organisation)
class OrganisationAdmin(DataVersionAdminMixin, LaunchCountMixin, PublicPageMixin, admin.ModelAdmin):
    """Launch providers with their number of launches."""

    list_display = ["name", "launch_count", "page"]
    search_fields = ["name"]


@admin.register(Rocket)
class RocketAdmin(DataVersionAdminMixin, LaunchCountMixin, PublicPageMixin, admin.ModelAdmin):
    """Rockets with their status and number of launches."""

    list_display = ["name", "status", "launch_count", "page"]
    list_filter = ["status"]
    search_fields = ["name"]


@admin.register(Pad)
class PadAdmin(DataVersionAdminMixin, LaunchCountMixin, admin.ModelAdmin):
    """Pads (the datasets' location strings) with their site and number of launches."""

    list_display = ["location", "name", "site", "region", "country", "ll2_latitude", "ll2_longitude", "launch_count"]
    list_select_related = ["site"]
    list_filter = ["country"]
    search_fields = ["location", "site__name"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The provenance of every import and sync, read-only; staff start a Launch Library 2 sync from its list."""

    list_display = [
        "started_at",
        "source",
        "format",
        "status",
        "rows",
        "created",
        "matched",
        "updated",
        "unchanged",
        "rejected",
    ]
    list_filter = ["status", "format"]
    search_fields = ["source", "sha256"]
    change_list_template = "admin/missions/importrun/change_list.html"

    def get_urls(self) -> list:
        sync = self.admin_site.admin_view(self.sync_view)
        return [path("sync-ll2/", sync, name="missions_importrun_sync_ll2"), *super().get_urls()]

    def sync_view(self, request: HttpRequest) -> HttpResponse:
        """POST: start a Launch Library 2 sync in the background; staff only."""
        if request.method != "POST" or not request.user.is_staff:
            return HttpResponseNotAllowed(["POST"])
        job_id = launches_sync_enqueue()
        self.message_user(request, f"Launch Library 2 sync started in the background (job {job_id}).")
        return HttpResponseRedirect(reverse("admin:missions_importrun_changelist"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False


class LaunchSiteForm(forms.ModelForm):
    """Coordinates come as a pair within the ranges of latitude and longitude; clearing both forgets them."""

    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)

    class Meta:
        model = LaunchSite
        fields = ["latitude", "longitude"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError("Give both latitude and longitude, or clear both to geocode the site again.")
        return cleaned


@admin.register(LaunchSite)
class LaunchSiteAdmin(DataVersionAdminMixin, LaunchCountMixin, PublicPageMixin, admin.ModelAdmin):
    """Sites with where their coordinates came from; coordinates edited here are kept by every geocoding run."""

    launch_count_path = "pads__launches"
    list_display = [
        "name",
        "country",
        "latitude",
        "longitude",
        "coordinate_source",
        "coordinate_precision",
        "launch_count",
        "page",
    ]
    list_filter = ["coordinate_source", "coordinate_precision", "country"]
    search_fields = ["name", "country"]
    form = LaunchSiteForm
    fields = ["name", "country", "latitude", "longitude", "coordinate_source", "coordinate_precision", "located_at"]
    readonly_fields = ["name", "country", "coordinate_source", "coordinate_precision", "located_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sites come from imports

    def save_model(self, request: HttpRequest, obj: LaunchSite, form: forms.ModelForm, change: bool) -> None:
        if {"latitude", "longitude"} & set(form.changed_data):
            site_coordinates_correct(site=obj, latitude=obj.latitude, longitude=obj.longitude)
        else:
            super().save_model(request, obj, form, change)
