"""The parameters of each analysis, as forms: they check a job's params before anything is queued, describe them to
the catalogue, and are the analysis forms of the pages."""

from django import forms

from core.forms import ParamsForm, StrictBooleanField
from missions.filters import OrganisationField


class NoParams(ParamsForm):
    """An analysis that takes no parameters."""


class OrganisationParams(ParamsForm):
    """One organisation, named as in the data (any case) or by id."""

    organisation = OrganisationField(label="Organisation", help_text="Organisation name, e.g. SpaceX.")


def _choices(*values: str) -> list[tuple[str, str]]:
    return [(value, value.capitalize()) for value in values]


class SuccessRateParams(ParamsForm):
    """How to group launches for success rates, and how to count partial failures."""

    group_by = forms.ChoiceField(
        choices=_choices("organisation", "rocket", "country", "year"), initial="organisation", label="Group by"
    )
    partial_failures_as_failures = StrictBooleanField(
        initial=True,
        label="Partial failures count as failures",
        help_text="Count partial failures as failures (true) or as successes (false).",
    )


class LaunchesPerYearParams(ParamsForm):
    """An optional second grouping of the yearly launch counts."""

    split_by = forms.ChoiceField(
        choices=[("", "Nothing"), *_choices("organisation", "country", "outcome")], required=False, label="Split by"
    )


class SpendingParams(ParamsForm):
    """How to group launch prices."""

    group_by = forms.ChoiceField(
        choices=_choices("organisation", "country", "year"), initial="organisation", label="Group by"
    )
