"""URL configuration: the REST API under /api/, the admin, and the original service's routes at the root."""

from django.contrib import admin
from django.urls import include, path

from config.api import router
from core.signin import ThrottledAdminLoginForm
from core.views import RedocView, SchemaView, SwaggerView, TokenView, redoc_bundle

# Password guessing on the admin is limited like the API's token exchange.
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("maps/", include("analysis.maps.urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path("api-auth/", include("rest_framework.urls")),
    path("", include("original.urls")),
    # The pages: dashboard, explorer, organisations, comparisons, analyses and results.
    path("", include("pages.urls")),
]

# Errors outside the API views answer in the API's JSON error shape too.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
