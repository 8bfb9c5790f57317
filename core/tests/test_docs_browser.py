"""The API docs in headless Chromium: drawn with nothing requested from another host."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "drawn"), [("/api/redoc/", ".menu-content"), ("/api/docs/", ".opblock")])
def test_the_docs_draw_the_api_from_this_server_only(live_server, browser, path, drawn):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{live_server.url}{path}")
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, drawn))

    requested = browser.execute_script("return performance.getEntriesByType('resource').map(entry => entry.name)")
    assert requested, "the page requested nothing"
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert "/api/jobs/" in browser.page_source
