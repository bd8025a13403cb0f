"""Rewrite the steps tables in the apps' READMEs from the step registry.

Usage: ``.venv/bin/python scripts/steps_readme.py`` (a README needs the
``<!-- steps:<key> -->`` … ``<!-- /steps -->`` markers once; this fills them).
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postaward.settings")
django.setup()

from postaward.core import steps_readme  # noqa: E402

for path in steps_readme.rewrite():
    print(f"rewrote {path}")
