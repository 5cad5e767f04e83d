from ninja import NinjaAPI

from core.api import router as core_router
from core.api_utils import AUTH, install_handlers
from onsite.api import router as attachments_router
from onsite.api_fieldwork import router as fieldwork_router
from onsite.api_findings import router as findings_router
from onsite.api_petitions import router as petitions_router
from planning.api import router as planning_router
from planning.api_pool import objections as objections_router
from planning.api_rounds import router as rounds_router
from planning.api_teams import inspectors as inspectors_router
from planning.api_teams import teams as teams_router
from planning.api_terms import router as terms_router
from rectification.api_assessments import router as rectification_assessments_router
from rectification.api_ledger import router as rectification_ledger_router
from rectification.api_lookback import router as rectification_lookback_router
from rectification.api_plans import router as rectification_plans_router
from rectification.api_reminders import router as rectification_reminders_router
from rectification.api_tasks import router as rectification_tasks_router
from registry.api import router as registry_router
from results.api_feedback import router as feedback_router
from results.api_reports import router as reports_router
from results.api_transfers import router as transfers_router

api = NinjaAPI(
    title="巡察工作平台 API",
    version="1",
    description=(
        "Xuncha: the inspection office's platform. Lists answer {items, count} and take search, limit, offset."
    ),
    auth=AUTH,
    urls_namespace="api",
)
install_handlers(api)
api.add_router("/", core_router)
api.add_router("/organizations", registry_router)
api.add_router("/inspections", planning_router)
api.add_router("/terms", terms_router)
api.add_router("/rounds", rounds_router)
api.add_router("/inspectors", inspectors_router)
api.add_router("/objections", objections_router)
api.add_router("/teams", teams_router)
api.add_router("/attachments", attachments_router)
# The on-site parts mount their own paths (/petitions, /public/…, /interviews, /findings, …).
api.add_router("/", petitions_router)
api.add_router("/", fieldwork_router)
api.add_router("/", findings_router)
api.add_router("/", reports_router)
api.add_router("/", feedback_router)
api.add_router("/", transfers_router)
# Rectification: /rectification-plans, /rectification-tasks, /reminders, …
api.add_router("/", rectification_plans_router)
api.add_router("/", rectification_tasks_router)
api.add_router("/", rectification_reminders_router)
api.add_router("/", rectification_ledger_router)
api.add_router("/", rectification_assessments_router)
api.add_router("/", rectification_lookback_router)
