from django.apps import AppConfig


class OriginalConfig(AppConfig):
    """The original service's routes at the root path, answered from the launch data and the analysis jobs."""

    name = "original"
    verbose_name = "Original service"
