import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postaward.settings")
django_application = get_wsgi_application()

# The check-in ingest path answers bearer check-ins before Django (ADR 0506).
from postaward.attendance.ingest import front  # noqa: E402 - needs Django set up

application = front(django_application)
