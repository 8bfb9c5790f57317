"""The dashboard's and an organisation page's figures equal an independent pandas computation on the real file."""

import math
import re

import pandas as pd
import pytest

from conftest import real_file_only
from missions.models import Organisation

pytestmark = real_file_only

COLUMNS = ["Organisation", "Location", "Date", "Detail", "Rocket_Status", "Price", "Mission_Status"]
# The last part of a location that names a place rather than its country, and the country it lies in.
PLACES = {
    "Barents Sea": "Russia",
    "Gran Canaria": "Spain",
    "New Mexico": "USA",
    "Pacific Missile Range Facility": "USA",
    "Shahrud Missile Test Site": "Iran",
    "Yellow Sea": "China",
}
Z = 1.959963984540054


@pytest.fixture(scope="module")
def launches_frame(mission_launches_csv) -> pd.DataFrame:
    """The real file, each launch once, with its time, country and price parsed."""
    frame = pd.read_csv(mission_launches_csv).drop_duplicates(subset=COLUMNS)
    frame["time"] = pd.to_datetime(frame["Date"].str.replace(" UTC", ""), format="mixed", utc=True)
    country = frame["Location"].str.split(",").str[-1].str.strip()
    frame["country"] = country.replace(PLACES)
    frame["price"] = pd.to_numeric(frame["Price"].str.replace(",", ""), errors="coerce")
    return frame


def wilson(successes: int, trials: int) -> tuple[float, float]:
    p = successes / trials
    centre = (p + Z * Z / (2 * trials)) / (1 + Z * Z / trials)
    margin = Z * math.sqrt(p * (1 - p) / trials + Z * Z / (4 * trials * trials)) / (1 + Z * Z / trials)
    return centre - margin, centre + margin


def figure(html: str, name: str) -> str:
    """The text of the figure with the id ``fig-<name>``, without its trailing words ("22.3% of all launches")."""
    return re.search(rf'id="fig-{name}">([^<]*)<', html).group(1).split(" of ")[0]


def expected_figures(frame: pd.DataFrame) -> dict[str, str]:
    successes = int((frame["Mission_Status"] == "Success").sum())
    low, high = wilson(successes, len(frame))
    priced = frame["price"].notna()
    return {
        "launches": f"{len(frame):,}",
        "success": f"{successes / len(frame) * 100:.1f}%",
        "interval": f"95% interval {low * 100:.1f}%–{high * 100:.1f}%",
        "priced": f"{int(priced.sum()):,}",
        "coverage": f"{priced.mean() * 100:.1f}%",
        "total": f"{frame['price'].sum():,.2f}",
    }


@pytest.mark.django_db
def test_the_dashboard_shows_the_figures_of_the_file(launch_data, launches_frame, client):
    html = client.get("/").content.decode()

    expected = expected_figures(launches_frame)
    assert {name: figure(html, name) for name in expected} == expected
    assert figure(html, "launches") == "4,323"
    assert figure(html, "organisations") == str(launches_frame["Organisation"].nunique()) == "56"
    assert figure(html, "countries") == str(launches_frame["country"].nunique()) == "17"
    years = launches_frame["time"].dt.year
    assert figure(html, "years") == f"{years.min()}–{years.max()}" == "1957–2020"
    latest = launches_frame["time"].max().strftime("%Y-%m-%d")
    assert f"Launches up to {latest}." in html


@pytest.mark.django_db
def test_an_organisation_page_shows_the_figures_of_the_file(launch_data, launches_frame, client):
    spacex = launches_frame[launches_frame["Organisation"] == "SpaceX"]
    pk = Organisation.objects.get(name="SpaceX").pk

    html = client.get(f"/organisations/{pk}/").content.decode()

    expected = expected_figures(spacex)
    assert {name: figure(html, name) for name in expected} == expected
    assert figure(html, "successes") == str(int((spacex["Mission_Status"] == "Success").sum()))
    assert figure(html, "first") == spacex["time"].min().strftime("%Y-%m-%d")
    assert figure(html, "last") == spacex["time"].max().strftime("%Y-%m-%d")
    rockets = spacex["Detail"].str.split(" | ", regex=False).str[0].value_counts()
    for rocket, count in rockets.items():
        assert re.search(rf">{re.escape(rocket)}</a></td><td>\w+</td><td class=\"number\">{count}</td>", html)
