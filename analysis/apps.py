from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Analyses of the launch records, run as background jobs."""

    name = "analysis"
    verbose_name = "Analysis"

    def ready(self) -> None:
        # Registers the MEDIAN aggregate on every new SQLite connection.
        from . import aggregates  # noqa: F401
