from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What the apps share: the API's error shape, paging, permissions, throttles, caches and renderers."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Name the admin after the application rather than Django."""
        from django.contrib import admin

        admin.site.site_header = "Space Mission Analysis administration"
        admin.site.site_title = "Space Mission Analysis admin"
        admin.site.index_title = "Launch data and analysis jobs"
