"""The services of a case: intake (``intake``), the steps (``flow``), the
to-dos and notices (``todos``)."""

from .flow import *  # noqa: F403
from .intake import may_register, next_number, open_case, open_from_event, register_by_hand  # noqa: F401
