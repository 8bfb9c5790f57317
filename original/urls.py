"""The original service's routes, at the root path so that its clients work unchanged."""

from django.urls import path, re_path

from .views import DataView, HelpView, JobClearView, JobListView, JobView

urlpatterns = [
    path("data", DataView.as_view(), name="data"),
    path("help", HelpView.as_view(), name="help"),
    re_path(r"^jobs/?$", JobListView.as_view(), name="original-jobs"),
    path("jobs/clear", JobClearView.as_view(), name="original-jobs-clear"),
    path("jobs/<str:route>", JobView.as_view(), name="original-job"),
]
