"""The ``postaward`` command: Django's management commands under one name.

postaward demo                 build the demo district (if the database is empty)
postaward simulate --days 7    move the demo district forward
postaward audit verify         prove the audit trail is intact
postaward serve                migrate, load the demo, start web + worker
postaward migrate / shell / …  any other Django command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postaward.settings")
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["serve"]:
        # the demo has no SMS gateway: the filing page shows the verification
        # code while the console backend is in use (ADR 0521)
        os.environ.setdefault("POSTAWARD_SMS_DEMO_ECHO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["postaward", *args])


if __name__ == "__main__":
    main()
