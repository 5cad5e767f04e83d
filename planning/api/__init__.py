"""Planning's API: its one router, mounted by ``xuncha.api``."""

from ninja import Router

from planning.api import inspections, pool, rounds, teams, terms

router = Router()
router.add_router("/inspections", inspections.router)
router.add_router("/terms", terms.router)
router.add_router("/rounds", rounds.router)
router.add_router("/inspectors", teams.inspectors)  # the pool's list and entry; its detail routes are in pool
router.add_router("/objections", pool.objections)
router.add_router("/teams", teams.teams)
