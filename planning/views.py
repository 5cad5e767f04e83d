from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from core import access
from core.paging import paginate
from planning.coverage import term_coverage
from planning.models import Term
from planning.selectors import terms_for


@login_required
def term_list(request):
    if not access.can(request.user, "view", Term):
        raise Http404
    terms = list(terms_for(user=request.user).order_by("-start_on"))
    if len(terms) == 1:
        return redirect("planning:coverage", terms[0].pk)
    return render(request, "planning/term_list.html", {"terms": terms})


@login_required
def coverage(request, pk):
    term = get_object_or_404(terms_for(user=request.user), pk=pk)
    result = term_coverage(term)
    by_kind = [
        {"name": k.name, "in_scope": k.in_scope, "covered": k.covered, "percent": round(k.share * 100, 1)}
        for k in result.by_kind
    ]
    village = result.village
    return render(
        request,
        "planning/coverage.html",
        {
            "term": term,
            "c": result,
            "page": paginate(request, result.uncovered),
            "percent": round(result.share * 100, 1),
            "by_kind": by_kind,
            "village_percent": round(village.share * 100, 1) if village else None,
            "planned": sum(1 for o in result.uncovered if o.planned_round),
        },
    )
