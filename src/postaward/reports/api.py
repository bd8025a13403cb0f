"""The reports API: one router, each part's routes added to it."""

from ninja import Router

from .api_cases import router as cases_router
from .api_dashboards import router as dashboards_router
from .api_ledgers import router as ledgers_router
from .api_meeting import router as meeting_router
from .api_monthly import router as monthly_router
from .api_units import router as units_router

router = Router(tags=["报表与台账"])
router.add_router("", ledgers_router)
router.add_router("", cases_router)
router.add_router("", monthly_router)
router.add_router("", meeting_router)
router.add_router("", dashboards_router)
router.add_router("", units_router)
