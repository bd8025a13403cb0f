"""The accountability API: one router, each part's routes added to it."""

from ninja import Router

from .api_clues import router as clues_router
from .api_interference import router as interference_router
from .api_matters import router as matters_router
from .api_proposals import router as proposals_router

router = Router(tags=["问责管理"])
router.add_router("", clues_router)
router.add_router("", matters_router)
router.add_router("", interference_router)
router.add_router("", proposals_router)
