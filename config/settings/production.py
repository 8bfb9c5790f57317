"""Production settings: no default secret, debug off unless asked for, secure cookies and headers, JSON logs."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.json_logging import json_logging

from .base import *  # noqa: F403
from .base import env_bool

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for the production settings.")
# The placeholders of k8s/secrets.env.example: a key anyone can read signs nothing.
if SECRET_KEY.startswith("replace-me"):  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY is the example value: set a long random string of your own.")

DEBUG = env_bool("DEBUG", False)

# HTTPS everywhere by default. Behind a TLS-terminating proxy (an Ingress, a load balancer) set
# SECURE_PROXY_SSL_HEADER=true so Django trusts its X-Forwarded-Proto header; for plain HTTP on a trusted
# network (docker compose on a laptop) switch the redirect, the secure cookies and HSTS off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True

# One JSON object per line on stdout, for the container runtime to collect.
LOGGING = json_logging(loggers={"django.db.backends": {"level": "WARNING"}})
