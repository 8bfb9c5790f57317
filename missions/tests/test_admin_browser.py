"""The admin's launch list in headless Chromium at 1,400 px: every column, price and outcome included, in view."""

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model

STAFF, PASSWORD = "admin-viewer", "pw-admin-viewer-123"


@pytest.fixture(scope="module")
def staff_user(django_db_setup, django_db_blocker) -> Iterator[None]:
    """A superuser committed for the module, so that the live server's own connection can log it in."""
    with django_db_blocker.unblock():
        get_user_model().objects.create_superuser(STAFF, password=PASSWORD)
    yield
    with django_db_blocker.unblock():
        get_user_model().objects.filter(username=STAFF).delete()


def test_the_launch_list_fits_1400_px_with_price_and_outcome_in_view(staff_user, live_url, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1400, 1000)
    browser.get(f"{live_url}/admin/login/?next=/admin/missions/launch/")
    browser.find_element(By.NAME, "username").send_keys(STAFF)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    browser.find_element(By.ID, "result_list")

    width = browser.execute_script("return document.documentElement.clientWidth")
    overflow = browser.execute_script("return document.documentElement.scrollWidth")
    headers = browser.execute_script(
        "return [...document.querySelectorAll('#result_list thead th')]"
        ".map(th => [th.textContent.trim(), th.getBoundingClientRect().right])"
    )
    assert width >= 1350
    assert overflow <= width
    assert [(name, right) for name, right in headers if right > width] == []
    assert [name for name, _right in headers][-2:] == ["Price", "Outcome"]
