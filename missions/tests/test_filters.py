"""The launch filter vocabulary: one set of rules and messages whether parameters come as a query or as JSON."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict

from missions.filters import LaunchFilterForm, OrganisationField
from missions.models import Organisation, Pad, Rocket
from missions.selectors import LaunchFilters, launches_filtered

pytestmark = pytest.mark.django_db


def errors(data) -> dict[str, list[str]]:
    form = LaunchFilterForm(data)
    assert not form.is_valid()
    return form.errors_by_name()


def test_a_query_string_and_a_json_object_select_the_same_launches(few_launches):
    spacex = Organisation.objects.get(name="SpaceX")
    query = LaunchFilterForm(
        QueryDict("organisation=spacex&mission_status=Success,Failure&year_from=2008&has_price=no")
    )
    json = LaunchFilterForm({"organisation": "SPACEX", "mission_status": ["Success", "Failure"], "year_from": 2008,
                             "has_price": False})  # fmt: skip

    assert query.is_valid() and json.is_valid()
    assert (
        query.filters()
        == json.filters()
        == LaunchFilters(
            organisations=(spacex.pk,), mission_statuses=("Success", "Failure"), year_from=2008, has_price=False
        )
    )
    assert (
        query.params()
        == json.params()
        == {
            "organisation": "SpaceX",
            "mission_status": "Success,Failure",
            "year_from": 2008,
            "has_price": False,
        }
    )
    assert [launch.mission for launch in launches_filtered(filters=query.filters())] == ["Trailblazer"]


def test_names_and_ids_in_any_case_several_by_commas(few_launches):
    okb, spacex = Organisation.objects.get(name="OKB-586"), Organisation.objects.get(name="SpaceX")
    form = LaunchFilterForm({"organisation": f"okb-586,{spacex.pk}", "rocket": "falcon 9 block 5", "country": "usa"})

    assert form.is_valid()
    assert form.params() == {"organisation": f"OKB-586,{spacex.pk}", "rocket": "Falcon 9 Block 5", "country": "USA"}
    filters = form.filters()
    assert (filters.organisations, filters.countries) == ((okb.pk, spacex.pk), ("USA",))
    assert filters.rockets == (Rocket.objects.get(name="Falcon 9 Block 5").pk,)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"organisation": "Acme"}, {"organisation": ["Unknown organisation 'Acme'."]}),
        ({"organisation": "SpaceX,Acme"}, {"organisation": ["Unknown organisation 'Acme'."]}),
        ({"organisation": "999999"}, {"organisation": ["Unknown organisation id '999999'."]}),
        ({"rocket": "Saturn V"}, {"rocket": ["Unknown rocket 'Saturn V'."]}),
        ({"site": "Atlantis"}, {"site": ["Unknown site 'Atlantis'."]}),
        ({"country": "Atlantis"}, {"country": ["Unknown country 'Atlantis'."]}),
        ({"organisation": "Space\x00X"}, {"organisation": ["Must not contain NUL characters or lone surrogates."]}),
        ({"organisation": "\ud800"}, {"organisation": ["Must not contain NUL characters or lone surrogates."]}),
        ({"search": "a\x00b"}, {"search": ["Must not contain NUL characters or lone surrogates."]}),
        ({"organisation": {"name": "SpaceX"}}, {"organisation": ["Must be text."]}),
        ({"search": ["Falcon"]}, {"search": ["Must be text."]}),
        ({"organisation": ",".join(["SpaceX"] * 21)}, {"organisation": ["At most 20 values."]}),
        ({"search": " ".join(["word"] * 11)}, {"search": ["At most 10 words."]}),
        ({"search": "x" * 201}, {"search": ["Ensure this value has at most 200 characters (it has 201)."]}),
        ({"year": 0}, {"year": ["Ensure this value is greater than or equal to 1."]}),
        ({"year_from": 2000, "year_to": 1990}, {"year_to": ["Must not be before “From year”."]}),
        (
            {"launched_after": "2020-02-01", "launched_before": "2020-01-01"},
            {"launched_before": ["Must not be before “From date”."]},
        ),  # noqa: E501
        ({"price_min": 100, "price_max": 50}, {"price_max": ["Must not be before “Price from (million USD)”."]}),
        (
            {"mission_status": "Exploded"},
            {"mission_status": ["Select a valid choice. Exploded is not one of the available choices."]},
        ),  # noqa: E501
        ({"has_price": "maybe"}, {"has_price": ["Must be true or false."]}),
        ({"colour": "red"}, {"colour": ["Unknown parameter."]}),
    ],
)
def test_bad_values_are_refused_with_the_reason(few_launches, data, expected):
    assert errors(data) == expected


def test_other_query_parameters_are_left_to_the_views_that_read_them(few_launches):
    form = LaunchFilterForm(QueryDict("page=2&ordering=-price&format=csv&year=2020"))
    assert form.is_valid()
    assert form.params() == {"year": 2020}


def test_an_empty_form_selects_every_launch(few_launches):
    form = LaunchFilterForm(QueryDict("organisation=&year="))
    assert form.is_valid()
    assert form.filters() == LaunchFilters()
    assert launches_filtered(filters=form.filters()).count() == 5


def test_each_part_of_a_selection_narrows_it(few_launches):
    pad = Pad.objects.get(location="SLC-40, Cape Canaveral AFS, Florida, USA")
    cases = {
        LaunchFilters(pads=(pad.pk,)): {"Demo", "Trailblazer"},
        LaunchFilters(sites=(pad.site_id,)): {"Demo", "Trailblazer"},
        LaunchFilters(countries=("China",)): {"CAVSat"},
        LaunchFilters(rocket_status="retired"): {"Trailblazer", "DS-1"},
        LaunchFilters(launched_after=date(2017, 6, 13), launched_before=date(2019, 7, 25)): {"Demo", "CAVSat"},
        LaunchFilters(year=2019): {"CAVSat"},
        LaunchFilters(year_from=2017, year_to=2019): {"Demo", "CAVSat"},
        LaunchFilters(price_min=Decimal("50.00"), price_max=Decimal("55")): {"Starlink V1 L9"},
        LaunchFilters(has_price=True): {"Starlink V1 L9", "Demo"},
        LaunchFilters(search="falcon kennedy"): {"Starlink V1 L9"},
        LaunchFilters(search="SPACE"): {"Starlink V1 L9", "Demo", "Trailblazer", "CAVSat"},
    }
    for filters, missions in cases.items():
        assert {launch.mission for launch in launches_filtered(filters=filters)} == missions, filters


def test_one_organisation_by_name_or_id_gives_its_stored_name(few_launches):
    field = OrganisationField()
    spacex = Organisation.objects.get(name="SpaceX")
    assert field.clean("spacex") == field.clean(str(spacex.pk)) == field.clean(spacex.pk) == "SpaceX"
    with pytest.raises(Exception, match="Give one organisation."):
        field.clean("SpaceX,OKB-586")
