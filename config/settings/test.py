"""Test settings: the local settings, with a password hasher fast enough to create users in every test."""

from .local import *  # noqa: F403

# MD5 is far faster than the default hasher and is for tests only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
