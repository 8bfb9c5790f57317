"""The analysis catalogue: every analysis a job can run, with its parameters and its output formats.

Adding an analysis is one entry in ``ANALYSES``: a function called with the arguments of its parameters' form,
returning JSON-ready rows (served as JSON or CSV) or ``artefacts.Artefacts`` (files, one per format).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from core.forms import ChoiceListField, ParamsForm, StrictBooleanField, form_arguments
from missions.filters import LaunchFilterForm

from . import exports, selectors
from .maps.build import MAP_FILES, launch_site_map
from .params import LaunchesPerYearParams, NoParams, OrganisationParams, SpendingParams, SuccessRateParams

# Formats every tabular result can be fetched in, built from its rows when asked for.
TABLE_FORMATS = {"json": "application/json", "csv": "text/csv"}

# The type the catalogue gives each kind of parameter field; the first that a field is an instance of.
PARAMETER_TYPES: list[tuple[type[forms.Field], str]] = [
    (StrictBooleanField, "boolean"),
    (forms.DecimalField, "number"),  # before IntegerField, which Django's DecimalField extends
    (forms.IntegerField, "integer"),
    (forms.DateField, "date"),
    (ChoiceListField, "choices"),
    (forms.ChoiceField, "choice"),
]


@dataclass(frozen=True)
class Analysis:
    """One analysis: its name, what it answers, the function that computes it and its parameters."""

    name: str
    description: str
    run: Callable[..., Any]
    params: type[ParamsForm] = NoParams
    # Media types of the files the analysis writes, by format; None for a tabular result.
    files: dict[str, str] | None = None

    @property
    def formats(self) -> dict[str, str]:
        """Media type of each format its result can be fetched in."""
        return self.files if self.files is not None else TABLE_FORMATS

    def arguments(self, *, params: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of ``run`` for a job's recorded parameters, checked again against today's data."""
        return form_arguments(self.params, params)


ANALYSES: dict[str, Analysis] = {
    analysis.name: analysis
    for analysis in [
        Analysis(
            name="organisations",
            description="Every organisation with its number of launches.",
            run=selectors.organisations,
        ),
        Analysis(
            name="rockets_by_organisation",
            description="The distinct rockets of one organisation: launches, first and last launch, status.",
            run=selectors.rockets_by_organisation,
            params=OrganisationParams,
        ),
        Analysis(
            name="total_cost_by_organisation",
            description="Total, mean and median launch price of one organisation; unpriced launches are counted.",
            run=selectors.total_cost_by_organisation,
            params=OrganisationParams,
        ),
        Analysis(
            name="active_rockets",
            description="Active rockets with the organisations that launched them and their launch counts.",
            run=selectors.active_rockets,
        ),
        Analysis(
            name="launches",
            description="The launch records, optionally filtered, as CSV and JSON files.",
            run=exports.launches_export,
            params=LaunchFilterForm,
            files=exports.LAUNCH_FILES,
        ),
        Analysis(
            name="success_rates",
            description="Success rate by organisation, rocket, country or year, with a 95% Wilson interval.",
            run=selectors.success_rates,
            params=SuccessRateParams,
        ),
        Analysis(
            name="launches_per_year",
            description="Launches per year, optionally split by organisation, country or outcome.",
            run=selectors.launches_per_year,
            params=LaunchesPerYearParams,
        ),
        Analysis(
            name="spending",
            description="Total, mean and median price by organisation, country or year, with price coverage.",
            run=selectors.spending,
            params=SpendingParams,
        ),
        Analysis(
            name="launch_site_map",
            description="Launch sites on a world map with launches, success rate and organisations per site.",
            run=launch_site_map,
            params=LaunchFilterForm,
            files=MAP_FILES,
        ),
    ]
}


def analysis_parameters(analysis: Analysis) -> list[dict[str, Any]]:
    """Each parameter of an analysis as the catalogue shows it: name, type, whether required, default, choices."""
    described = []
    for name, field in analysis.params.base_fields.items():
        kind = next((kind for field_class, kind in PARAMETER_TYPES if isinstance(field, field_class)), "string")
        choices = getattr(field, "choices", None)
        described.append(
            {
                "name": name,
                "type": kind,
                "required": field.required and field.initial is None,
                "default": field.initial,
                "choices": None if choices is None else [value for value, _label in choices if value != ""],
                "help_text": str(field.help_text or ""),
            }
        )
    return described
