"""The pages' routes, at the root of the site."""

from django.urls import path

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
]
