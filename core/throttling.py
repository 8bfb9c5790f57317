"""Request rate limits for anonymous clients, signed-in users and sign-in attempts, kept in the "throttle" cache."""

import hashlib
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from rest_framework import throttling
from rest_framework.settings import api_settings

from core.cache_backends import Window


class _SettingsRate:
    """Read the rate from the current settings at request time, so a changed setting applies without a restart."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class _WindowCount:
    """Count requests in one atomic round trip where the cache can (Redis), not in DRF's read, then write, of a list.

    The in-process caches keep DRF's own count: within one process it costs no round trip.
    """

    cache: Any
    window: Window | None = None

    def allow_request(self, request: HttpRequest, view: Any) -> bool:
        window_hit = getattr(self.cache, "window_hit", None)
        if window_hit is None:
            return super().allow_request(request, view)  # type: ignore[misc]
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        self.window = window_hit(self.key, now=self.now, seconds=self.duration, limit=self.num_requests)
        # While Redis is down requests go unthrottled, as they go uncached.
        return self.window is None or self.window.allowed

    def wait(self) -> float | None:
        """Seconds until a request will be allowed again, as DRF reckons them from the window."""
        if self.window is None:
            return super().wait()  # type: ignore[misc]
        oldest = self.window.oldest
        remaining = self.duration - (self.now - oldest) if oldest is not None else self.duration
        available = self.num_requests - self.window.count + 1
        return remaining / available if available > 0 else None


class AnonRateThrottle(_SettingsRate, _WindowCount, throttling.AnonRateThrottle):
    """Limit anonymous clients by IP address to REST_FRAMEWORK's "anon" rate (API_THROTTLE_ANON)."""

    cache = caches["throttle"]


class UserRateThrottle(_SettingsRate, _WindowCount, throttling.UserRateThrottle):
    """Limit signed-in users to REST_FRAMEWORK's "user" rate (API_THROTTLE_USER)."""

    cache = caches["throttle"]


class _LoginThrottle(_SettingsRate, _WindowCount, throttling.SimpleRateThrottle):
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
