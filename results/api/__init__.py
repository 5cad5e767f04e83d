"""Results' API: its one router, mounted by ``xuncha.api``."""

from ninja import Router

from results.api import feedback, reports, transfers

router = Router()
router.add_router("/", reports.router)
router.add_router("/", feedback.router)
router.add_router("/", transfers.router)
