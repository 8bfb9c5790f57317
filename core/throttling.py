"""Request rate limits for anonymous clients and signed-in users, kept in the "throttle" cache."""

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.settings import api_settings


class _SettingsRate:
    """Read the rate from the current settings at request time, so a changed setting applies without a restart."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_SettingsRate, throttling.AnonRateThrottle):
    """Limit anonymous clients by IP address to REST_FRAMEWORK's "anon" rate (API_THROTTLE_ANON)."""

    cache = caches["throttle"]


class UserRateThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Limit signed-in users to REST_FRAMEWORK's "user" rate (API_THROTTLE_USER)."""

    cache = caches["throttle"]
