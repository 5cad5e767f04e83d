"""The JSON API under /api/v1/: one router per app, mounted in the order of the stages."""

import sys

from ninja import NinjaAPI

from comparison.api import router as comparison_router
from core.api import router as core_router
from core.api.common import AUTH, ERROR_CODES_DESCRIPTION, EdgeParser, declare_errors, install_handlers
from onsite.api import router as onsite_router
from planning.api import router as planning_router
from rectification.api import router as rectification_router
from registry.api import router as registry_router
from results.api import router as results_router


class XunchaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """``<module>_<function>``, as ninja names them, except that a module which moved may
        keep the prefix its operations had (``OPERATION_ID_PREFIX``), so clients generated
        from the schema keep their names."""
        func = operation.view_func
        prefix = getattr(sys.modules[func.__module__], "OPERATION_ID_PREFIX", func.__module__.replace(".", "_"))
        return f"{prefix}_{func.__name__}"

    def get_openapi_schema(self, **kwargs):
        return declare_errors(super().get_openapi_schema(**kwargs))


api = XunchaAPI(
    title="巡察工作平台 API",
    version="1",
    description=(
        "Xuncha: the inspection office's platform. Lists answer {items, count} and take search, limit, offset."
        + ERROR_CODES_DESCRIPTION
    ),
    auth=AUTH,
    urls_namespace="api",
    parser=EdgeParser(),
)
install_handlers(api)
api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", planning_router)
api.add_router("/", onsite_router)
api.add_router("/", results_router)
api.add_router("/", rectification_router)
api.add_router("/", comparison_router)
