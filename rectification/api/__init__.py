"""Rectification's API: its one router, mounted by ``xuncha.api`` (/rectification-plans,
/rectification-tasks, /reminders, …)."""

from ninja import Router

from rectification.api import assessments, ledger, lookback, plans, reminders, tasks

router = Router()
router.add_router("/", plans.router)
router.add_router("/", tasks.router)
router.add_router("/", reminders.router)
router.add_router("/", ledger.router)
router.add_router("/", assessments.router)
router.add_router("/", lookback.router)
