"""The launch filter vocabulary: the parameters that select launches, with their names, types, rules and messages.

The REST API, the analysis jobs, the map and the pages take these parameters through ``LaunchFilterForm``, and every
selection of launches it describes is made by ``selectors.launches_filtered``.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model

from core.forms import ChoiceListField, ParamsForm, SearchField, StrictBooleanField, split_values, text_check

from .models import LaunchSite, MissionStatus, Organisation, Pad, Rocket, RocketStatus
from .selectors import LaunchFilters

MAX_PRICE = 10**8  # prices are stored with 10 digits, 2 after the point
# Names or ids one parameter may list: each is looked up on its own.
MAX_VALUES = 20


@dataclass(frozen=True)
class Selection:
    """What a parameter named: the ids (or stored values) it matched, and its canonical text."""

    values: tuple[Any, ...]
    param: str

    def __str__(self) -> str:
        return self.param


class NamesField(forms.Field):
    """Rows named by name (any case) or id, several separated by commas; a name or id that matches none is refused."""

    model: type[Model]
    name_field = "name"
    noun = ""
    widget = forms.TextInput

    def to_python(self, value: Any) -> list[str]:
        """The values given: comma-separated text, a JSON number or a JSON list of either."""
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        items = []
        for item in values:
            if isinstance(item, int) and not isinstance(item, bool):
                items.append(str(item))
            elif isinstance(item, str):
                text_check(item)
                items.extend(split_values(item))
            else:
                raise forms.ValidationError("Must be text.", code="type")
        if len(items) > MAX_VALUES:
            raise forms.ValidationError(f"At most {MAX_VALUES} values.", code="max_values")
        return items

    def clean(self, value: Any) -> Selection | None:
        items = self.to_python(value)
        self.validate(items)
        if not items:
            return None
        matched: dict[Any, None] = {}
        spellings = []
        for item in items:
            found = self.lookup(item)
            if not found:
                kind = f"{self.noun} id" if item.isdigit() else self.noun
                # The value goes in as a parameter: a "%" it holds must not be read as a placeholder.
                raise forms.ValidationError(
                    "Unknown %(kind)s %(item)s.", code="unknown", params={"kind": kind, "item": repr(item)}
                )
            matched.update(dict.fromkeys(key for key, _spelling in found))
            spellings.append(item if item.isdigit() else found[0][1])
        return Selection(values=tuple(matched), param=",".join(spellings))

    def lookup(self, item: str) -> list[tuple[Any, str]]:
        """The (id, stored name) of the rows an id or a name (in any case) names, first stored first."""
        match = {"pk": int(item)} if item.isdigit() else {f"{self.name_field}__iexact": item}
        return list(self.model.objects.filter(**match).order_by("pk").values_list("pk", self.name_field))


class OrganisationsField(NamesField):
    """Organisations by name or id."""

    model, noun = Organisation, "organisation"


class RocketsField(NamesField):
    """Rockets by name or id."""

    model, noun = Rocket, "rocket"


class SitesField(NamesField):
    """Launch sites by name or id."""

    model, noun = LaunchSite, "site"


class PadsField(NamesField):
    """Pads by name or id."""

    model, noun = Pad, "pad"


class CountriesField(NamesField):
    """Countries of the pads, by name in any case; the selection holds their stored spellings."""

    model, name_field, noun = Pad, "country", "country"

    def lookup(self, item: str) -> list[tuple[Any, str]]:
        country = Pad.objects.filter(country__iexact=item).values_list("country", flat=True).first()
        return [(country, country)] if country is not None else []


class OrganisationField(OrganisationsField):
    """Exactly one organisation, by name (any case) or id; its cleaned value is the stored name."""

    def clean(self, value: Any) -> str | None:
        if len(self.to_python(value)) > 1:
            raise forms.ValidationError("Give one organisation.", code="one")
        selection = super().clean(value)
        if selection is None:
            return None
        return Organisation.objects.filter(pk=selection.values[0]).values_list("name", flat=True).get()


class PriceField(forms.DecimalField):
    """A price in million USD, as the launches store it: 0 or more, two places after the point."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=0, max_value=MAX_PRICE, max_digits=10, decimal_places=2, **kwargs)


class DateInput(forms.DateInput):
    """A date picker in pages; the value is YYYY-MM-DD."""

    input_type = "date"


class LaunchFilterForm(ParamsForm):
    """Every way to select launches; each parameter narrows the selection, and none selects every launch."""

    organisation = OrganisationsField(
        required=False,
        label="Organisation",
        help_text="Organisation name or id; several separated by commas, e.g. SpaceX,CASC.",
    )
    rocket = RocketsField(required=False, label="Rocket", help_text="Rocket name or id; several separated by commas.")
    site = SitesField(
        required=False,
        label="Launch site",
        help_text="Launch site name (e.g. Kennedy Space Center) or id; several by commas.",
    )
    pad = PadsField(required=False, label="Pad", help_text="Pad name (e.g. LC-39A) or id; several separated by commas.")
    country = CountriesField(
        required=False, label="Country", help_text="Country of the pad, e.g. USA; several by commas."
    )
    mission_status = ChoiceListField(
        required=False,
        choices=MissionStatus.choices,
        label="Outcome",
        help_text="Mission outcome: Success, Failure, Partial Failure, Prelaunch Failure; several by commas.",
    )
    rocket_status = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *RocketStatus.choices],
        label="Rocket status",
        help_text="Rocket status: active or retired.",
    )
    launched_after = forms.DateField(
        required=False,
        widget=DateInput,
        label="From date",
        help_text="Launched on or after this day (YYYY-MM-DD, UTC).",
    )
    launched_before = forms.DateField(
        required=False, widget=DateInput, label="To date", help_text="Launched on or before this day (YYYY-MM-DD, UTC)."
    )
    year = forms.IntegerField(
        required=False, min_value=1, max_value=9999, label="Year", help_text="Calendar year (UTC)."
    )
    year_from = forms.IntegerField(
        required=False, min_value=1, max_value=9999, label="From year", help_text="From this year on."
    )
    year_to = forms.IntegerField(
        required=False, min_value=1, max_value=9999, label="To year", help_text="Up to this year."
    )
    price_min = PriceField(
        label="Price from (million USD)",
        help_text="Price at least this many million USD (launches without a price are left out).",
    )
    price_max = PriceField(
        label="Price to (million USD)",
        help_text="Price at most this many million USD (launches without a price are left out).",
    )
    has_price = StrictBooleanField(
        required=False, label="Priced", help_text="true: only priced launches; false: unpriced."
    )
    search = SearchField(
        required=False,
        label="Search",
        help_text=f"Words that must all appear in the mission, rocket, organisation or location "
        f"(at most {SearchField.MAX_WORDS} words, {SearchField.MAX_LENGTH} characters).",
    )

    # (later parameter, earlier parameter): a range whose end lies before its start selects nothing by mistake.
    RANGES = [("year_to", "year_from"), ("launched_before", "launched_after"), ("price_max", "price_min")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for later, earlier in self.RANGES:
            if (
                cleaned.get(later) is not None
                and cleaned.get(earlier) is not None
                and cleaned[later] < cleaned[earlier]
            ):
                self.add_error(later, f"Must not be before “{self.fields[earlier].label}”.")
        return cleaned

    def filters(self) -> LaunchFilters:
        """The selection of launches the valid parameters describe."""
        data = self.cleaned_data

        def values(name: str) -> tuple[Any, ...]:
            return data[name].values if data.get(name) else ()

        return LaunchFilters(
            organisations=values("organisation"),
            rockets=values("rocket"),
            sites=values("site"),
            pads=values("pad"),
            countries=values("country"),
            mission_statuses=tuple(data.get("mission_status") or ()),
            rocket_status=data.get("rocket_status") or "",
            launched_after=data.get("launched_after"),
            launched_before=data.get("launched_before"),
            year=data.get("year"),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            has_price=data.get("has_price"),
            search=data.get("search") or "",
        )

    def arguments(self) -> dict[str, Any]:
        """The selection, and the parameters that describe it (for titles and summaries)."""
        return {"filters": self.filters(), "params": self.params()}


def selection_title(*, params: dict[str, Any]) -> str:
    """The selection that canonical parameters describe, in a few words, e.g. 'SpaceX, 2010–2020'; empty for all."""
    years = ""
    if params.get("year") is not None:
        years = str(params["year"])
    elif params.get("year_from") is not None or params.get("year_to") is not None:
        years = f"{params.get('year_from') or '…'}–{params.get('year_to') or '…'}"
    days = ""
    if params.get("launched_after") or params.get("launched_before"):
        days = f"{params.get('launched_after') or '…'} to {params.get('launched_before') or '…'}"
    low, high, prices = params.get("price_min"), params.get("price_max"), ""
    if low is not None and high is not None:
        prices = f"{low:g}–{high:g} million USD"
    elif low is not None or high is not None:
        prices = f"at least {low:g} million USD" if low is not None else f"at most {high:g} million USD"
    priced = {True: "priced launches", False: "unpriced launches"}.get(params.get("has_price"), "")
    parts = [
        params.get("organisation"),
        params.get("rocket"),
        params.get("site"),
        params.get("pad"),
        params.get("country"),
        years,
        days,
        params.get("mission_status"),
        params.get("rocket_status") and f"{params['rocket_status']} rockets",
        prices,
        priced,
        params.get("search") and f"“{params['search']}”",
    ]
    return ", ".join(str(part) for part in parts if part)
