import os

from django.core.wsgi import get_wsgi_application

from siv.warm import build_template_engine

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siv.settings")
application = get_wsgi_application()
build_template_engine()  # before the first request, not during it
