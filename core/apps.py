from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What the apps share: the API's error shape, paging, permissions, throttles, caches and renderers."""

    name = "core"
    verbose_name = "Core"
