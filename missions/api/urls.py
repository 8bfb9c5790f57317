"""The original service's routes, kept at the root path so that its clients work unchanged."""

from django.urls import path

from .views import DataView, HelpView

urlpatterns = [
    path("data", DataView.as_view(), name="data"),
    path("help", HelpView.as_view(), name="help"),
]
