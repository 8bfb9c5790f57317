"""The pages' routes, at the root of the site."""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import jobs, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("launches/", views.launches, name="launches"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("rockets/<int:pk>/", views.rocket, name="rocket"),
    path("sites/<int:pk>/", views.site, name="site"),
    path("compare/", views.compare, name="compare"),
    path("analyses/", jobs.analysis_list, name="analyses"),
    path("analyses/<slug:name>/", jobs.analysis_submit, name="analysis-submit"),
    path("results/", jobs.result_list, name="results"),
    path("results/<uuid:pk>/", jobs.result, name="result"),
    # Browsers ask for /favicon.ico on pages that name no icon (the API's, the map's).
    path("favicon.ico", RedirectView.as_view(url=static("pages/favicon.svg"), permanent=True)),
]
