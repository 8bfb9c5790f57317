from django.apps import AppConfig


class MissionsConfig(AppConfig):
    """Launch records: organisations, sites, pads, rockets, launches and their imports."""

    name = "missions"
    verbose_name = "Missions"
