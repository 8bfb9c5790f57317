"""WSGI entry point; deployments use the production settings unless told otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()

# Imported once the line above has set Django up: the front cache reads the settings and the models.
from core.front_cache import FrontCache  # noqa: E402

# Anonymous reads whose answer is stored and current are served in front of Django.
application = FrontCache(django_application)
