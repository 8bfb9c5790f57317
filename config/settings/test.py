"""Test settings: the local settings, with a password hasher fast enough to create users in every test."""

from .local import *  # noqa: F403

# MD5 is far faster than the default hasher and is for tests only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each test clears the caches; in-process ones keep that from touching the Redis that the job tests share.
CACHES = LOCAL_CACHES  # noqa: F405
