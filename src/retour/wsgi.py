"""WSGI entry point."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.settings")
application = get_wsgi_application()
# Every page's code is imported here rather than on a worker's first request: gunicorn loads
# this module once before forking its workers (deploy/gunicorn.conf.py), so they start ready.
import_module(settings.ROOT_URLCONF)
