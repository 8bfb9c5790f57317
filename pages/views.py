"""The data pages: dashboard, launch explorer, organisations, rockets, sites and comparisons.

Each view validates its parameters with the launch filter vocabulary, reads through the selectors, draws with
``analysis.charts``, and keeps what it computed per data version.
"""

from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from analysis import charts
from analysis import selectors as analyses
from core.caching import computed_for_version
from missions import selectors as missions
from missions.filters import LaunchFilterForm, selection_title
from missions.models import LaunchSite, Pad
from missions.selectors import LaunchFilters

from . import selectors
from .forms import CompareForm
from .rendering import page

PAGE_SIZE = 50
# The explorer's orders, named as the launch API's ?ordering= names them.
ORDERINGS = {"launched_at": "launched_at", "price": "price", "organisation": "organisation__name"}
BUSIEST = 10


def _cached(request: HttpRequest, compute: Any) -> Any:
    """What a page computes for its address, once per launch data version."""
    return computed_for_version(name=request.get_full_path(), version=missions.data_version(), compute=compute)


def _outcomes_chart(filters: LaunchFilters, title: str) -> charts.Chart:
    rows = analyses.launches_per_year(split_by="outcome", filters=filters)
    return charts.launches_per_year_chart(rows, split_by="outcome", title=title)


def _spending_chart(filters: LaunchFilters, title: str) -> charts.Chart:
    return charts.spending_chart(analyses.spending(group_by="year", filters=filters), group_by="year", title=title)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Headline figures, four charts, the map and the data's provenance."""

    def compute() -> dict[str, Any]:
        rates = analyses.success_rates(group_by="organisation")
        countries = analyses.launches_per_year(split_by="country")
        return {
            "figures": selectors.launch_figures(),
            "latest_import": selectors.latest_import(),
            "charts": {
                "outcomes": _outcomes_chart(missions.ALL_LAUNCHES, "Launches per year by outcome"),
                "busiest": charts.success_rate_chart(
                    selectors.busiest_names(rows=rates, count=BUSIEST),
                    title="Success rate of the ten busiest organisations, with 95% interval",
                ),
                "countries": charts.launches_per_year_chart(
                    countries, split_by="country", title="Launches per year by country"
                ),
                "spending": _spending_chart(missions.ALL_LAUNCHES, "Launch spending per year"),
            },
        }

    return page(request, "pages/dashboard.html", {"title": "Dashboard", **_cached(request, compute)})


def _ordering(request: HttpRequest) -> tuple[str, list[str]]:
    """The explorer's ?ordering= and the fields it sorts by (newest first by default); ValueError names a bad one."""
    ordering = request.GET.get("ordering") or "-launched_at"
    if ordering.lstrip("-") not in ORDERINGS:
        raise ValueError(f"Unknown order {ordering!r}; use {', '.join(ORDERINGS)}, with - for descending.")
    sign = "-" if ordering.startswith("-") else ""
    return ordering, [f"{sign}{ORDERINGS[ordering.lstrip('-')]}", f"{sign}id"]


@require_GET
def launches(request: HttpRequest) -> HttpResponse:
    """The launch explorer: the API's filters as a form, a sorted page of launches and a chart of the selection."""
    form = LaunchFilterForm(request.GET or None)
    context: dict[str, Any] = {"title": "Launches", "form": form}
    try:
        ordering, order_by = _ordering(request)
    except ValueError as error:
        return page(request, "pages/launches.html", {**context, "ordering_error": str(error)}, status=400)
    if form.is_bound and not form.is_valid():
        return page(request, "pages/launches.html", context, status=400)
    filters = form.filters() if form.is_bound else missions.ALL_LAUNCHES
    params = form.params() if form.is_bound else {}
    paginator = Paginator(
        missions.LaunchPages(missions.launches_filtered(filters=filters).order_by(*order_by)), PAGE_SIZE
    )
    try:
        launches_page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, ValueError):
        raise Http404("No such page of launches.") from None
    query = urlencode(params)
    chart = computed_for_version(
        name=f"launches-chart?{query}",
        version=missions.data_version(),
        compute=lambda: _outcomes_chart(filters, "Launches per year of the selection, by outcome"),
    )
    context.update(
        launches_page=launches_page,
        selection=selection_title(params=params),
        query=query,
        ordering=ordering,
        charts={"per_year": chart},
    )
    return page(request, "pages/launches.html", context)


# The organisation list's columns, sortable by the names of the API's ?ordering=: (name, field, heading).
ORGANISATION_COLUMNS = [
    ("name", "name", "Organisation"),
    ("launches", "launch_count", "Launches"),
    ("success_rate", "success_rate", "Success rate"),
    ("first_launch", "first_launch", "First launch"),
    ("last_launch", "last_launch", "Last launch"),
    ("total_price", "total_price", "Total of known prices (million USD)"),
]
ORGANISATION_SORTS = {name: field for name, field, _heading in ORGANISATION_COLUMNS}


@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    """Every organisation with the API's figures, sortable by each of them."""
    sort = request.GET.get("sort") or "-launches"
    if sort.lstrip("-") not in ORGANISATION_SORTS:
        sort = "-launches"
    field = ORGANISATION_SORTS[sort.lstrip("-")]
    order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    rows = _cached(request, lambda: list(missions.organisation_list().order_by(order, "name")))
    return page(
        request,
        "pages/organisations.html",
        {
            "title": "Organisations",
            "organisations": rows,
            "sort": sort,
            "columns": [(name, heading) for name, _field, heading in ORGANISATION_COLUMNS],
        },
    )


@require_GET
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation: figures with intervals, launches and spending per year, rockets and sites."""

    def compute() -> dict[str, Any]:
        found = get_object_or_404(missions.organisation_list(), pk=pk)
        filters = LaunchFilters(organisations=(pk,))
        return {
            "organisation": found,
            "title": found.name,
            "figures": selectors.launch_figures(filters=filters),
            "rockets": selectors.organisation_rockets(organisation=found),
            "sites": selectors.selection_sites(filters=filters),
            "charts": {
                "outcomes": _outcomes_chart(filters, f"Launches of {found.name} per year by outcome"),
                "spending": _spending_chart(filters, f"Launch spending of {found.name} per year"),
            },
        }

    return page(request, "pages/organisation.html", _cached(request, compute))


@require_GET
def rocket(request: HttpRequest, pk: int) -> HttpResponse:
    """One rocket: figures, launches per year by outcome, the organisations and sites that launched it."""

    def compute() -> dict[str, Any]:
        found = get_object_or_404(missions.rocket_list(), pk=pk)
        filters = LaunchFilters(rockets=(pk,))
        return {
            "rocket": found,
            "title": found.name,
            "figures": selectors.launch_figures(filters=filters),
            "organisations": selectors.selection_organisations(filters=filters),
            "sites": selectors.selection_sites(filters=filters),
            "charts": {"outcomes": _outcomes_chart(filters, f"Launches of {found.name} per year by outcome")},
        }

    return page(request, "pages/rocket.html", _cached(request, compute))


@require_GET
def site(request: HttpRequest, pk: int) -> HttpResponse:
    """One launch site: figures, launches per year by outcome, its pads and organisations."""

    def compute() -> dict[str, Any]:
        found = get_object_or_404(LaunchSite, pk=pk)
        filters = LaunchFilters(sites=(pk,))
        pads = Pad.objects.filter(site=found).annotate(launch_count=Count("launches")).order_by("-launch_count")
        return {
            "site": found,
            "title": found.name,
            "figures": selectors.launch_figures(filters=filters),
            "organisations": selectors.selection_organisations(filters=filters),
            "pads": list(pads.values("name", "location", "launch_count")),
            "charts": {"outcomes": _outcomes_chart(filters, f"Launches from {found.name} per year by outcome")},
        }

    return page(request, "pages/site.html", _cached(request, compute))


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Two to six organisations, countries or rockets side by side: success rates, launches per year, in total."""
    form = CompareForm(request.GET or None)
    context: dict[str, Any] = {"title": "Compare", "form": form, "organisations": analyses.organisation_names()}
    if not form.is_bound:
        return page(request, "pages/compare.html", context)
    if not form.is_valid() or not form.kind:
        if form.is_valid():
            form.add_error(None, "Name 2 to 6 organisations, countries or rockets to compare.")
        return page(request, "pages/compare.html", context, status=400)
    kind, filters = form.kind, form.filters()

    def compute() -> dict[str, Any]:
        years = analyses.launches_per_year(split_by=kind, filters=filters)
        rates = analyses.success_rates(group_by=kind, filters=filters)
        return {
            "rates": rates,
            "charts": {
                "success": charts.success_rate_chart(
                    rates,
                    group_by=kind,
                    title="Success rate, with 95% interval",
                ),
                "per_year": charts.launches_per_year_chart(years, split_by=kind, title="Launches per year", lines=True),
                "cumulative": charts.launches_per_year_chart(
                    years, split_by=kind, title="Launches in total", cumulative=True
                ),
            },
        }

    computed = _cached(request, compute)
    context.update(computed, kind=kind, compared=form.params()[kind])
    return page(request, "pages/compare.html", context)
