"""Request rate limits for anonymous clients, signed-in users and sign-in attempts, kept in the "throttle" cache."""

import hashlib
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
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


class _LoginThrottle(_SettingsRate, throttling.SimpleRateThrottle):
    """Sign-in attempts, limited to REST_FRAMEWORK's "login" rate (API_THROTTLE_LOGIN); every attempt counts."""

    scope = "login"
    cache = caches["throttle"]
    # Set by the admin's sign-in form, whose username comes from the form rather than the request's parsed body.
    username: str | None = None

    def refusal(self) -> str:
        """The message that tells a refused client when to try again."""
        return f"Too many sign-in attempts. Try again in {int(self.wait() or 0) + 1} seconds."


class LoginClientThrottle(_LoginThrottle):
    """Sign-in attempts per client address, whatever the username."""

    def get_cache_key(self, request: HttpRequest, view: Any) -> str:
        return f"login_client_{self.get_ident(request)}"


class LoginUsernameThrottle(_LoginThrottle):
    """Sign-in attempts per username, from however many addresses they come."""

    def get_cache_key(self, request: HttpRequest, view: Any) -> str | None:
        data = getattr(request, "data", None)
        username = (
            self.username if self.username is not None else data.get("username") if isinstance(data, dict) else None
        )
        if not isinstance(username, str) or not username:
            return None
        # Hashed: a username may be longer than a cache key may be, and case does not make another account.
        return f"login_user_{hashlib.sha256(username.casefold().encode()).hexdigest()}"
