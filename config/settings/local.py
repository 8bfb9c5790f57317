"""Development and test settings: run with no set-up, debug on unless DEBUG says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

SECRET_KEY = SECRET_KEY or "insecure-local-development-key-not-for-production"  # noqa: F405
DEBUG = env_bool("DEBUG", True)
