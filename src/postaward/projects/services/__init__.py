"""Writes of the project registry (being split by sub-domain; see README)."""

from .registry import *  # noqa: F403
from .registry import _contractor_side, _facts, _site_fields, _todo_assign  # noqa: F401
