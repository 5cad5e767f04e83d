"""The office builds a round's teams: members, their roles, and the conflict-of-interest gate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core import access
from core.forms import apply_service_errors, error_text, is_id, post_form
from planning.forms.teams import ContactsForm, MemberForm
from planning.inspections import inspections_for, inspectors_for, rounds_for, teams_for
from planning.models import Team
from planning.teams import (
    ConflictsFound,
    inspection_assign_team,
    role_order,
    team_candidates,
    team_create,
    team_member_add,
    team_member_remove,
    team_update,
)


@login_required
def team_detail(request, pk):
    team = get_object_or_404(teams_for(user=request.user), pk=pk)
    can_change = team.authority_id in access.authorities_for(request.user, "change", Team)
    pool = inspectors_for(user=request.user).filter(authority_id=team.authority_id)
    candidates = team_candidates(team=team, inspectors=pool) if can_change else None
    form = MemberForm(request.POST or None, inspectors=pool, candidates=candidates)
    conflicts = []
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if "inspection" in request.POST:
            _assign(request, team)
            return redirect("planning:team", team.pk)
        if "remove" in request.POST:
            _remove(request, team)
            return redirect("planning:team", team.pk)
        if "contacts" in request.POST:
            contacts = ContactsForm(request.POST, instance=Team.objects.get(pk=team.pk))
            sent = post_form(
                request,
                contacts,
                lambda d: team_update(actor=request.user, team=team, **d),
                back=reverse("planning:team", args=[team.pk]),
                done="联系方式已保存，将写入巡察公告和进驻通知。",
            )
            if sent:
                return sent
            form = MemberForm(inspectors=pool, candidates=candidates)
            return _render(request, team, form, [], can_change, contacts, candidates)
        if form.is_valid():
            d = form.cleaned_data
            try:
                team_member_add(
                    actor=request.user,
                    team=team,
                    inspector=d["inspector"],
                    role=d["role"],
                    decision_reason=d["decision_reason"],
                    duty=d["duty"],
                )
            except ConflictsFound as e:
                conflicts = e.conflicts
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                messages.success(request, f"已将{d['inspector'].name}加入{team.name}。")
                return redirect("planning:team", team.pk)
    return _render(request, team, form, conflicts, can_change, ContactsForm(instance=team), candidates)


def _render(request, team, form, conflicts, can_change, contacts, candidates=None):
    members = team.members.select_related("inspector", "decided_by").order_by(role_order(), "id")
    unassigned = inspections_for(user=request.user, round=team.round).filter(team__isnull=True)
    return render(
        request,
        "planning/team.html",
        {
            "team": team,
            "members": members,
            "form": form,
            "contacts": contacts,
            "conflicts": conflicts,
            "can_change": can_change,
            "inspections": team.inspections.select_related("organization"),
            "unassigned": unassigned,
            "refused": candidates.refused if candidates else [],
            "conflicted": candidates.conflicted if candidates else [],
            "round_open": rounds_for(user=request.user).filter(pk=team.round_id).exists(),
        },
    )


@login_required
def team_create_view(request, pk):
    rnd = get_object_or_404(rounds_for(user=request.user), pk=pk)
    try:
        team = team_create(actor=request.user, round=rnd, name=request.POST.get("name", ""))
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("planning:round", rnd.pk)
    messages.success(request, f"已新增{team.name}。")
    return redirect("planning:team", team.pk)


def _assign(request, team):
    raw = request.POST.get("inspection", "")
    if not is_id(raw):
        raise Http404
    inspection = get_object_or_404(inspections_for(user=request.user, round=team.round), pk=raw)
    try:
        inspection_assign_team(
            actor=request.user,
            inspection=inspection,
            team=team,
            decision_reason=request.POST.get("decision_reason", ""),
        )
    except ConflictsFound as e:
        reasons = "；".join(c.reason for c in e.conflicts)
        messages.error(
            request,
            f"本组人员与{inspection.organization.name}存在回避情形：{reasons}。请调整组成人员，或经巡察办研究后填写理由再分配。",
        )
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已将“{inspection.organization.name}”交由{team.name}巡察。")


def _remove(request, team):
    raw = request.POST.get("remove", "")
    if not is_id(raw):
        raise Http404
    member = get_object_or_404(team.members.select_related("inspector"), pk=raw)
    try:
        team_member_remove(actor=request.user, member=member, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已将{member.inspector.name}调出{team.name}。")
