"""The /maps/ page in headless Chromium, served by a live server with no tile server reachable."""

import pytest

from analysis.maps.build import launch_site_stats
from conftest import real_file_only
from missions.selectors import ALL_LAUNCHES

# The real file's sites, in a browser started per module.
pytestmark = [real_file_only, pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def map_server(live_url, settings) -> str:
    """The live server, with a tile server that refuses every connection: markers, popups and legend must not
    depend on tiles."""
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    return live_url


def test_the_maps_page_shows_one_marker_per_site_with_a_working_popup(map_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    places = [row for row in launch_site_stats(filters=ALL_LAUNCHES) if row["latitude"] is not None]
    browser.get(f"{map_server}/maps/")
    wait = WebDriverWait(browser, 20)
    wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "path.site-marker"))
    markers = browser.find_elements(By.CSS_SELECTOR, "path.site-marker")
    assert len(markers) == len(places) == 42
    assert "Success rate" in browser.find_element(By.CSS_SELECTOR, ".map-legend").text
    # The tiles fail, so the app's own land outline is drawn under the markers.
    wait.until(lambda driver: "land-drawn" in driver.find_element(By.ID, "launch-map").get_attribute("class"))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".leaflet-land-pane path")) == 1
    assert browser.execute_script("return typeof L.version") == "string"

    # Markers are drawn busiest first: the first is Plesetsk, which no other marker covers.
    markers[0].click()
    popup = wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content .site-popup")))
    busiest = places[0]
    # Read the DOM text, not the rendered text: while Leaflet pans the map to fit the popup, part of it may be
    # outside the window, and Selenium's visible text would leave that part out.
    title = popup.find_element(By.TAG_NAME, "h2").get_attribute("textContent")
    terms = [node.get_attribute("textContent") for node in popup.find_elements(By.TAG_NAME, "dt")]
    values = [node.get_attribute("textContent") for node in popup.find_elements(By.TAG_NAME, "dd")]
    facts = dict(zip(terms, values, strict=True))
    assert title == "Plesetsk Cosmodrome" == busiest["sites"][0]
    assert facts["Launches"] == str(busiest["launches"])
    assert facts["Success rate"] == f"{busiest['success_rate'] * 100:.1f}%"


def test_the_maps_page_filters_by_organisation_in_the_browser(map_server, browser, selection):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(f"{map_server}/maps/")
    Select(browser.find_element(By.NAME, "organisation")).select_by_visible_text("SpaceX")
    browser.find_element(By.NAME, "year_from").send_keys("2015")
    browser.find_element(By.CSS_SELECTOR, "form.map-filters button").click()
    WebDriverWait(browser, 20).until(lambda driver: "organisation=SpaceX" in driver.current_url)
    WebDriverWait(browser, 20).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "path.site-marker"))
    expected = [
        row
        for row in launch_site_stats(filters=selection(organisation="SpaceX", year_from=2015)["filters"])
        if row["latitude"] is not None
    ]
    assert len(browser.find_elements(By.CSS_SELECTOR, "path.site-marker")) == len(expected) == 4
