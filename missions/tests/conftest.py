"""Fixtures of the missions tests: API tokens of a staff user and of a reader."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token


@pytest.fixture
def staff_token(db) -> str:
    """The API token of the staff user "ops" (password "pw-ops-123456")."""
    user = get_user_model().objects.create_user("ops", password="pw-ops-123456", is_staff=True)
    return Token.objects.create(user=user).key


@pytest.fixture
def user_token(db) -> str:
    """The API token of the user "reader", who is not staff (password "pw-reader-123456")."""
    user = get_user_model().objects.create_user("reader", password="pw-reader-123456")
    return Token.objects.create(user=user).key
