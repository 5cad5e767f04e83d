"""Data comparison's API: its one router, mounted by ``xuncha.api`` (/datasets,
/comparison-rules, /comparison-runs; the hits' endpoints are ``api/hits.py``'s)."""

from ninja import Router

from comparison.api import datasets, hits, rules, runs  # noqa: F401 (rules joins runs.router)

router = Router()
router.add_router("/", datasets.router)
router.add_router("/", runs.router)
router.add_router("/", hits.router)
