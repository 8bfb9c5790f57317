"""The map routes under /maps/: the interactive page with its downloads, and the land outline it draws."""

from django.urls import path

from .views import maps_land, maps_page

urlpatterns = [
    path("", maps_page, name="maps"),
    path("land.geojson", maps_land, name="maps-land"),
]
