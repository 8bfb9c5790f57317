"""Screenshots of the pages for the README, taken with the headless Chromium the page tests use.

Run against a server with the launch data (`make run` in another terminal, then `make screenshots`):
    python docs/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]
"""

import argparse
import json
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WIDTH = 1280
DRAWN = (
    "return document.readyState === 'complete' && [...document.querySelectorAll('.chart-view')]"
    ".every((view) => view.classList.contains('chart-drawn'))"
)


def job_submit(base: str) -> str:
    """Submit the success-rate analysis by country and return its result page's path."""
    body = json.dumps({"analysis": "success_rates", "params": {"group_by": "country"}}).encode()
    request = urllib.request.Request(f"{base}/api/jobs/", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return f"/results/{json.load(response)['id']}/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={WIDTH},900"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    pages = {
        "dashboard": "/",
        "organisation": "/organisations/?sort=-launches",
        "compare": "/compare/?organisation=SpaceX,CASC,Arianespace,Roscosmos",
        "result": job_submit(args.url),
    }
    try:
        for name, path in pages.items():
            browser.get(args.url + path)
            if name == "organisation":  # the busiest organisation's page
                browser.get(browser.find_element("css selector", "table.organisations tbody a").get_attribute("href"))
            WebDriverWait(browser, 60).until(lambda driver: driver.execute_script(DRAWN))
            time.sleep(0.5)  # let the last chart finish its layout
            height = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(WIDTH, min(height, 2400))
            browser.save_screenshot(str(out / f"{name}.png"))
            print(out / f"{name}.png")
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
