"""Every page in headless Chromium: no console errors, nothing from other hosts, charts drawn, no serious
accessibility violations; and a job submitted from its form ends with its chart on its result page."""

import json
import os
import subprocess
import sys
import threading
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, connections

from analysis.models import Job, JobStatus
from conftest import real_file_only
from missions.models import LaunchSite, Organisation, Rocket

pytestmark = [real_file_only, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]
CHART_MARKS = ".chart-view svg .mark-rect path, .chart-view svg .mark-line path, .chart-view svg .mark-symbol path"


def page_urls() -> list[str]:
    """Every kind of page, with real ids."""
    organisation = Organisation.objects.get(name="SpaceX").pk
    rocket = Rocket.objects.get(name="Falcon 9 Block 5").pk
    site = LaunchSite.objects.get(name="Kennedy Space Center").pk
    return [
        "/",
        "/launches/",
        "/launches/?organisation=SpaceX&year_from=2015&ordering=-price",
        "/launches/?search=zzzzqqq",
        "/organisations/",
        f"/organisations/{organisation}/",
        f"/rockets/{rocket}/",
        f"/sites/{site}/",
        "/compare/",
        "/compare/?organisation=SpaceX,CASC,Arianespace",
        "/compare/?country=USA,China",
        "/analyses/",
        "/results/",
        "/maps/",
    ]


def requested_urls(browser) -> list[str]:
    """The addresses the page asked for since the last call, from Chromium's network log."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def serious_violations(browser, axe_source: str) -> list[dict]:
    """axe-core's serious and critical violations of the page, with the elements they concern."""
    browser.execute_script(axe_source)
    result = browser.execute_async_script("const done = arguments[0]; axe.run(document).then(done);")
    return [
        {"id": violation["id"], "nodes": [node["target"] for node in violation["nodes"]][:3]}
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def load(browser, url: str) -> None:
    """Open a page and wait until its charts are drawn (or have failed)."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 30).until(
        lambda driver: driver.execute_script(
            "return document.readyState === 'complete' && [...document.querySelectorAll('.chart-view')]"
            ".every((view) => view.classList.contains('chart-drawn') || view.textContent.trim())"
        )
    )


def test_every_page_loads_cleanly_draws_its_charts_and_passes_axe(page_server, chromium, axe_source):
    from selenium.webdriver.common.by import By

    host = urlsplit(page_server).netloc
    for path in page_urls():
        chromium.get_log("browser")
        chromium.get_log("performance")
        load(chromium, page_server + path)
        errors = [entry["message"] for entry in chromium.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == [], path
        foreign = [url for url in requested_urls(chromium) if urlsplit(url).scheme in {"http", "https"}]
        assert [url for url in foreign if urlsplit(url).netloc != host] == [], path
        views = chromium.find_elements(By.CSS_SELECTOR, ".chart-view")
        for view in views:
            assert "chart-drawn" in view.get_attribute("class"), (path, view.text)
            assert view.find_elements(By.CSS_SELECTOR, "svg [class^='mark-'] path"), path
        assert serious_violations(chromium, axe_source) == [], path
        assert chromium.find_element(By.CSS_SELECTOR, "nav.site-nav").text.startswith("Space Mission Analysis")


def test_the_dashboard_draws_four_charts_with_marks(page_server, chromium):
    from selenium.webdriver.common.by import By

    load(chromium, page_server + "/")
    views = chromium.find_elements(By.CSS_SELECTOR, ".chart-view.chart-drawn")
    assert len(views) == 4
    for view in views:
        assert len(view.find_elements(By.CSS_SELECTOR, "svg .mark-rect path, svg .mark-rule line")) > 0


@pytest.fixture
def jobs_removed():
    """Delete the jobs the live server committed, from a connection of their own (the test's is rolled back)."""
    yield
    thread = threading.Thread(target=jobs_delete)
    thread.start()
    thread.join()


@pytest.fixture
def job_worker(analysis_queue):
    """With Redis, a real `manage.py rqworker` on the test database runs the submitted jobs (without Redis, jobs run
    in-process when submitted)."""
    if not settings.REDIS_URL:
        yield
        return
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL}
    command = [sys.executable, "manage.py", "rqworker", settings.ANALYSIS_QUEUE]
    worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL)
    yield
    worker.terminate()
    worker.wait(timeout=30)


def jobs_delete() -> None:
    try:
        Job.objects.all().delete()
    finally:
        connections.close_all()


def test_a_job_submitted_from_its_form_ends_with_its_chart_on_its_result_page(
    page_server, chromium, job_worker, jobs_removed
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    load(chromium, page_server + "/analyses/")
    form = chromium.find_element(By.CSS_SELECTOR, "#analysis-success_rates form")
    form.find_element(By.CSS_SELECTOR, "summary").click()
    Select(form.find_element(By.NAME, "group_by")).select_by_value("country")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(chromium, 60).until(lambda driver: "/results/" in driver.current_url)
    WebDriverWait(chromium, 60).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".chart-view.chart-drawn svg .mark-rect path")
    )
    # Read through the live server: the test's own connection stays off the job table that the cleanup writes.
    job_id = chromium.current_url.rstrip("/").split("/")[-1]
    with urllib.request.urlopen(f"{page_server}/api/jobs/{job_id}/") as response:
        job = json.load(response)
    assert job["status"] == JobStatus.FINISHED
    assert job["params"] == {"group_by": "country", "partial_failures_as_failures": True}
    bars = chromium.find_elements(By.CSS_SELECTOR, ".chart-view svg .mark-rect path")
    assert len(bars) == len(job["result"]) == 17
    assert [entry for entry in chromium.get_log("browser") if entry["level"] == "SEVERE"] == []


def test_the_api_pages_work_under_the_content_security_policy(page_server, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    chromium.get_log("browser")
    chromium.get(page_server + "/api/docs/")
    WebDriverWait(chromium, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".opblock"))
    chromium.get(page_server + "/api/")
    assert [entry["message"] for entry in chromium.get_log("browser") if entry["level"] == "SEVERE"] == []


@pytest.mark.parametrize("path", ["/", "/compare/?organisation=SpaceX,CASC,Arianespace"])
def test_pages_and_their_charts_fit_a_390_pixel_wide_screen(page_server, chromium, path):
    from selenium.webdriver.common.by import By

    chromium.set_window_size(390, 900)
    try:
        load(chromium, page_server + path)
        width = chromium.execute_script("return document.documentElement.clientWidth")
        assert chromium.execute_script("return document.documentElement.scrollWidth") <= width
        for view in chromium.find_elements(By.CSS_SELECTOR, ".chart-view svg"):
            assert 200 <= view.size["width"] <= width
    finally:
        chromium.set_window_size(1400, 1000)
