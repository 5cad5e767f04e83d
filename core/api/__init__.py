"""Core's API (tokens, the current account, the audit trail): its one router, mounted by
``xuncha.api``. ``core.api.common`` is what every app's API shares."""

from ninja import Router

from core.api import accounts

router = Router()
router.add_router("/", accounts.router)
