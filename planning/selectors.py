from core import access
from planning.models import Inspection, Inspector, Round, Team, Term


def inspections_for(*, user, round=None):
    """Inspections the user may see: the office all of its authority's, a team its own."""
    qs = Inspection.objects.select_related("round__term", "organization__kind")
    if round is not None:
        qs = qs.filter(round=round)
    return access.restrict(qs, user, "view")


def terms_for(*, user):
    return access.restrict(Term.objects.select_related("authority").prefetch_related("scope_kinds"), user, "view")


def rounds_for(*, user):
    return access.restrict(Round.objects.select_related("term"), user, "view").order_by("term__start_on", "number")


def inspectors_for(*, user):
    return access.restrict(Inspector.objects.all(), user, "view")


def teams_for(*, user):
    """Teams the user may see; distinct because members reach a team through any of its inspections."""
    return access.restrict(Team.objects.select_related("round"), user, "view").distinct().order_by("round", "id")
