from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Analyses of the launch records, run as background jobs."""

    name = "analysis"
    verbose_name = "Analysis"
