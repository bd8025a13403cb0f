"""The inspections API: one router, each part's routes added to it."""

from ninja import Router

from .api_contracts import router as contracts_router
from .api_draw import router as draw_router
from .api_visits import router as visits_router

router = Router(tags=["双随机检查"])
router.add_router("", draw_router)
router.add_router("", visits_router)
router.add_router("", contracts_router)
