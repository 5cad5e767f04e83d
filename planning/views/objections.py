"""Objections to team members: the unit's liaison raises them, the office answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import access
from core.forms import error_text
from core.paging import paginate
from planning.objections import (
    member_objection_decide,
    member_objection_raise,
    objections_for,
    objections_mark_decidable,
    rosters_for_unit,
)


@login_required
def objection_list(request):
    user = request.user
    liaison = access.may_somewhere(user, "objection.raise")
    office = access.may_somewhere(user, "objection.read_all")
    if not (liaison or office):
        raise access.PageRefused(access.STEPS["objection.raise"].roles | access.STEPS["objection.read_all"].roles)
    rosters = list(rosters_for_unit(user=user)) if liaison else []
    errors = {}
    if request.method == "POST":
        if not liaison:
            raise Http404
        inspection = next((i for i in rosters if str(i.pk) == request.POST.get("inspection")), None)
        if inspection is None:
            raise Http404
        member = next((m for m in inspection.team.members.all() if str(m.pk) == request.POST.get("member")), None)
        try:
            if member is None:
                raise ValidationError({"member": ["请选择巡察组成员。"]})
            objection = member_objection_raise(
                actor=user, inspection=inspection, member=member, reason=request.POST.get("reason", "")
            )
        except ValidationError as e:
            errors = {"inspection": inspection.pk, "text": error_text(e), "reason": request.POST.get("reason", "")}
        else:
            messages.success(request, f"已提出对{objection.member_name}的回避意见，巡察办处理后将在此显示结果。")
            return redirect("planning:objections")
    qs = objections_for(user=user).select_related("raised_by", "decided_by")
    page = paginate(request, qs)
    objections_mark_decidable(user=user, objections=page)
    context = {"rosters": rosters, "page": page, "errors": errors, "liaison": liaison}
    return render(request, "planning/objections.html", context)


@login_required
@require_POST
def objection_decide_view(request, pk):
    objection = get_object_or_404(objections_for(user=request.user), pk=pk)
    uphold = request.POST.get("uphold") == "1"
    try:
        member_objection_decide(
            actor=request.user, objection=objection, uphold=uphold, answer=request.POST.get("answer", "")
        )
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        done = f"已采纳，{objection.member_name}已调出巡察组。" if uphold else "已答复：未采纳。"
        messages.success(request, done)
    return redirect("planning:objections")
