"""The inspection models, one module per part (ADR 0700)."""

from .contracts import *  # noqa: F403
from .plans import *  # noqa: F403
from .pools import *  # noqa: F403
from .visits import *  # noqa: F403
