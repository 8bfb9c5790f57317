"""The admin as a person meets it: named after the application, readable dates and filters, links to the pages."""

import re
from datetime import datetime

import pytest
from django.urls import reverse

from missions.models import Launch, LaunchSite, Organisation, Rocket
from testsupport.reference import launch_rows

pytestmark = pytest.mark.usefixtures("launch_data")

NAV = ["/", "/launches/", "/organisations/", "/compare/", "/analyses/", "/maps/", "/api/", "/api/docs/", "/admin/"]


def test_the_admin_is_named_after_the_application_and_carries_the_site_navigation(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "<title>Launch data and analysis jobs | Space Mission Analysis admin</title>" in html
    assert '<a href="/admin/">Space Mission Analysis administration</a>' in html
    assert '<a href="/">View Space Mission Analysis</a>' in html
    assert "Django administration" not in html and "Django site admin" not in html
    nav = html[html.index('<nav class="site-nav"') :]
    assert re.findall(r'<li><a href="([^"]+)">', nav[: nav.index("</nav>")]) == NAV


def test_a_day_precision_launch_shows_its_date_and_a_timed_one_its_minute(admin_client, launch_data):
    frame = launch_rows(launch_data)
    day_only = frame[~frame["Date"].str.contains("UTC")].iloc[0]
    timed = frame[frame["Date"].str.contains("UTC")].iloc[0]
    url = reverse("admin:missions_launch_changelist")

    for row, shown in (
        (day_only, f"{datetime.strptime(day_only['Date'], '%a %b %d, %Y'):%Y-%m-%d}"),
        (timed, f"{datetime.strptime(timed['Date'], '%a %b %d, %Y %H:%M UTC'):%Y-%m-%d %H:%M}"),
    ):
        mission = row["Detail"].split(" | ", 1)[1]
        html = admin_client.get(url, {"q": mission}).content.decode()
        assert re.search(rf'<th class="field-launch_time"><a href="[^"]+">{shown}</a></th>', html), shown
        assert "midnight" not in html and "00:00:00" not in html


def test_the_rocket_status_filter_says_it_is_the_rockets(admin_client):
    html = admin_client.get(reverse("admin:missions_launch_changelist")).content.decode()

    assert "By rocket status" in html
    assert "By status" not in html


def test_organisations_rockets_and_sites_link_to_their_pages(admin_client):
    spacex = Organisation.objects.get(name="SpaceX")
    launch = Launch.objects.filter(organisation=spacex).select_related("rocket", "pad__site").first()

    launches = admin_client.get(reverse("admin:missions_launch_changelist"), {"q": launch.mission}).content.decode()
    organisations = admin_client.get(reverse("admin:missions_organisation_changelist"), {"q": "SpaceX"})
    change = admin_client.get(reverse("admin:missions_organisation_change", args=[spacex.pk])).content.decode()

    assert f'<a href="/organisations/{spacex.pk}/">SpaceX</a>' in launches
    assert f'<a href="/rockets/{launch.rocket.pk}/">{launch.rocket.name}</a>' in launches
    assert (
        f'<a href="/sites/{launch.pad.site.pk}/" title="{launch.pad.location}">{launch.pad.site.name}</a>' in launches
    )
    assert f'<a href="/organisations/{spacex.pk}/">View page</a>' in organisations.content.decode()
    assert f'href="/organisations/{spacex.pk}/" class="viewsitelink"' in change
    for model, path in ((Rocket, "rockets"), (LaunchSite, "sites")):
        row = model.objects.order_by("pk").first()
        listed = admin_client.get(reverse(f"admin:missions_{model._meta.model_name}_changelist"), {"q": row.name})
        assert f'<a href="/{path}/{row.pk}/">View page</a>' in listed.content.decode()
