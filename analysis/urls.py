"""The original service's job routes, at the root path."""

from django.urls import path, re_path

from .legacy import LegacyJobClearView, LegacyJobListView, LegacyJobView

urlpatterns = [
    re_path(r"^jobs/?$", LegacyJobListView.as_view(), name="legacy-jobs"),
    path("jobs/clear", LegacyJobClearView.as_view(), name="legacy-jobs-clear"),
    path("jobs/<str:route>", LegacyJobView.as_view(), name="legacy-job"),
]
