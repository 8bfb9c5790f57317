"""The pages app: server-rendered pages over the launch data and the analyses."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Dashboard, explorer, organisation, rocket and site pages, comparisons, analyses and results."""

    name = "pages"
