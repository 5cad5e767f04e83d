"""The registry's API: its one router, mounted by ``xuncha.api``."""

from ninja import Router

from registry.api import organizations

router = Router()
router.add_router("/organizations", organizations.router)
