"""URL configuration: the REST API under /api/, the admin, and the original service's routes at the root."""

from django.contrib import admin
from django.urls import include, path

from config import health
from config.api import router

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
