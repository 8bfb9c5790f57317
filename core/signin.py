"""The admin's sign-in form, limited like the API's token exchange."""

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from core.throttling import LoginClientThrottle, LoginUsernameThrottle


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """Refuse a sign-in, before checking the password, once its client or its username has used up its attempts."""

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        for throttle_class in (LoginClientThrottle, LoginUsernameThrottle):
            throttle = throttle_class()
            throttle.username = username if isinstance(username, str) else ""
            if not throttle.allow_request(self.request, None):
                raise ValidationError(throttle.refusal(), code="throttled")
        return super().clean()
