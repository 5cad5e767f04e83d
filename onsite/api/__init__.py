"""On-site work's API: its one router, mounted by ``xuncha.api``. The parts mount their own
paths (/petitions, /public/…, /interviews, /findings, …)."""

from ninja import Router

from onsite.api import attachments, fieldwork, findings, petitions

router = Router()
router.add_router("/attachments", attachments.router)
router.add_router("/", petitions.router)
router.add_router("/", fieldwork.router)
router.add_router("/", findings.router)
