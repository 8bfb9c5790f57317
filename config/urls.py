"""URL configuration: the REST API under /api/, the admin, and the original service's routes at the root."""

from django.contrib import admin
from django.urls import include, path

from config.api import router

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
]
