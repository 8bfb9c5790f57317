"""Admin of the launch data: launch sites can have their coordinates corrected by hand."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from .geocoding import site_coordinates_correct
from .models import LaunchSite


class LaunchSiteForm(forms.ModelForm):
    """Coordinates come as a pair within the ranges of latitude and longitude; clearing both forgets them."""

    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)

    class Meta:
        model = LaunchSite
        fields = ["latitude", "longitude"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError("Give both latitude and longitude, or clear both to geocode the site again.")
        return cleaned


@admin.register(LaunchSite)
class LaunchSiteAdmin(admin.ModelAdmin):
    """Sites with where their coordinates came from; coordinates edited here are kept by every geocoding run."""

    list_display = ["name", "country", "latitude", "longitude", "coordinate_source", "coordinate_precision"]
    list_filter = ["coordinate_source", "coordinate_precision", "country"]
    search_fields = ["name", "country"]
    form = LaunchSiteForm
    fields = ["name", "country", "latitude", "longitude", "coordinate_source", "coordinate_precision", "located_at"]
    readonly_fields = ["name", "country", "coordinate_source", "coordinate_precision", "located_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sites come from imports

    def save_model(self, request: HttpRequest, obj: LaunchSite, form: forms.ModelForm, change: bool) -> None:
        if {"latitude", "longitude"} & set(form.changed_data):
            site_coordinates_correct(site=obj, latitude=obj.latitude, longitude=obj.longitude)
        else:
            super().save_model(request, obj, form, change)
