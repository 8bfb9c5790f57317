"""Forms of the pages, built from the launch filter vocabulary's fields and the analyses' parameter forms."""

from typing import Any

from django import forms

from core.forms import ParamsForm
from missions.filters import CountriesField, OrganisationField, OrganisationsField, RocketsField
from missions.selectors import LaunchFilters

# What a comparison compares: the parameter, the selection's part it fills and the grouping of the analyses.
COMPARED = {"organisation": "organisations", "country": "countries", "rocket": "rockets"}
COMPARE_MIN, COMPARE_MAX = 2, 6


class CompareForm(ParamsForm):
    """Two to six organisations, countries or rockets, one kind at a time."""

    organisation = OrganisationsField(
        required=False, label="Organisations", help_text="2 to 6 organisation names or ids, by commas: SpaceX,CASC."
    )
    country = CountriesField(required=False, label="Countries", help_text="2 to 6 countries, by commas: USA,China.")
    rocket = RocketsField(required=False, label="Rockets", help_text="2 to 6 rocket names or ids, by commas.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        given = [name for name in COMPARED if cleaned.get(name)]
        if len(given) > 1:
            raise forms.ValidationError("Compare one kind at a time: organisations, countries or rockets.")
        for name in given:
            if not COMPARE_MIN <= len(cleaned[name].values) <= COMPARE_MAX:
                self.add_error(name, f"Give {COMPARE_MIN} to {COMPARE_MAX}, separated by commas.")
        return cleaned

    @property
    def kind(self) -> str:
        """The kind compared: organisation, country or rocket ("" when nothing was given)."""
        return next((name for name in COMPARED if self.cleaned_data.get(name)), "")

    def filters(self) -> LaunchFilters:
        """The launches of the compared organisations, countries or rockets."""
        return LaunchFilters(**{COMPARED[self.kind]: self.cleaned_data[self.kind].values})


def analysis_form(form_class: type[ParamsForm], *, name: str, organisations: list[str], data: Any = None) -> ParamsForm:
    """An analysis's parameter form for a page (its ids prefixed by the analysis's name, since one page shows them
    all); organisations are picked from the data's."""
    form = form_class(data, auto_id=f"{name}-%s")
    for name, field in form.fields.items():
        if isinstance(field.initial, bool):  # shown as the option it is submitted as
            form.initial[name] = "true" if field.initial else "false"
        if isinstance(field, OrganisationField):
            field.widget = forms.Select(choices=[(name, name) for name in organisations])
        elif isinstance(field, OrganisationsField):
            field.widget = forms.Select(choices=[("", "All organisations"), *((name, name) for name in organisations)])
    return form
