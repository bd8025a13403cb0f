"""The credit models, one module per part: the records of penalties and their
requests (``records``), and the scoring (``scoring``: rule sets, score events,
annual scores; issue 16, ADR 0630), and the runs that recompute a year
(``annual``: ADR 0650)."""

from .agents import *  # noqa: F403
from .annual import *  # noqa: F403
from .records import *  # noqa: F403
from .records import DEPARTMENT_ROLES, OFFICE_ROLES  # noqa: F401
from .sanctions import *  # noqa: F403
from .scoring import *  # noqa: F403
