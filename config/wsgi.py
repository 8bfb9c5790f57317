"""WSGI entry point; deployments use the production settings unless told otherwise."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()
# The URLconf, and with it every view, loads here rather than on the first request: gunicorn (preload_app) forks its
# workers with it loaded, instead of each worker's first request waiting about half a second for it.
get_resolver().url_patterns  # noqa: B018

# Imported once the line above has set Django up: the front cache reads the settings and the models.
from core.front_cache import FrontCache  # noqa: E402

# Anonymous reads whose answer is stored and current are served in front of Django.
application = FrontCache(django_application)
