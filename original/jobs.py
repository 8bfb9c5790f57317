"""The original service's job routes: the analysis and parameters each route string names, and job ids."""

from typing import Any
from urllib.parse import unquote

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError

from analysis.models import Job

# Original route name -> (analysis, the parameter that the text after "-" fills, or None).
ROUTES: dict[str, tuple[str, str | None]] = {
    "get_rockets_by_org": ("rockets_by_organisation", "organisation"),
    "total_cost_by_org": ("total_cost_by_organisation", "organisation"),
    "map_of_launches": ("launch_site_map", None),
    "list_all_active_rockets": ("active_rockets", None),
    "data": ("launches", None),
    "get_orgs": ("organisations", None),
}
ROUTE_FORMS = [f"{name}-<ORG>" if argument else name for name, (_, argument) in ROUTES.items()]


def route_parse(route: str) -> tuple[str, dict[str, Any]]:
    """The analysis and parameters of an original route string such as ``'get_rockets_by_org-RVSN_USSR'``.

    The quotes of the original's curl examples are dropped, ``_`` in the argument stands for a space and the
    argument is everything after the first ``-`` that follows the route name (``get_rockets_by_org-OKB-586``).
    """
    text = unquote(route).strip().strip("'\"").strip()
    name, dash, argument = text.partition("-")
    if name not in ROUTES:
        raise ValidationError({"route": [f"Unknown route {text!r}; valid routes: {', '.join(ROUTE_FORMS)}."]})
    analysis, parameter = ROUTES[name]
    if parameter is None and dash:
        raise ValidationError({"route": [f"The route {name} takes no argument after '-'."]})
    if parameter is not None and not argument.strip():
        raise ValidationError({"route": [f"The route {name} needs an organisation: {name}-<ORG>."]})
    return analysis, ({parameter: argument.replace("_", " ").strip()} if parameter else {})


def job_id_parse(text: str) -> str | None:
    """A job id from the path, without the quotes of the original's examples; None when it is no UUID."""
    value = unquote(text).strip().strip("'\"")
    try:
        return str(Job._meta.pk.to_python(value))
    except DjangoValidationError:
        return None
