"""The inspector pool in pages: the office keeps people and their history; an inspector
reads their own entry and declares conflicts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from core import access
from core.forms import apply_service_errors
from core.paging import paginate
from planning.forms.pool import DeclarationForm, InspectorForm, RecordForm, RelativeForm
from planning.inspections import inspectors_for
from planning.models import Inspector
from planning.pool import (
    inspector_create,
    inspector_declaration_add,
    inspector_record_add,
    inspector_relative_add,
    inspector_update,
)
from registry.models import Organization


@login_required
def pool_list(request):
    if not access.can(request.user, "view", Inspector):
        raise Http404
    qs = inspectors_for(user=request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(unit__contains=q)
    can_change = bool(access.authorities_for(request.user, "change", Inspector))
    return render(request, "planning/pool.html", {"page": paginate(request, qs), "q": q, "can_change": can_change})


@login_required
def inspector_create_view(request):
    authority = request.user.authority
    if authority is None or authority.pk not in access.authorities_for(request.user, "change", Inspector):
        raise Http404
    form = InspectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspector = inspector_create(actor=request.user, authority=authority, **form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, f"已将{inspector.name}加入人才库，请补充工作经历、亲属和回避事项。")
            return redirect("planning:inspector", inspector.pk)
    return render(request, "planning/inspector_new.html", {"form": form})


@login_required
def my_entry(request):
    inspector = Inspector.objects.filter(user=request.user).first()
    if inspector is None:
        raise Http404
    return redirect("planning:inspector", inspector.pk)


def _posted(request, name, form_class, organizations):
    if request.method == "POST" and request.POST.get("form") == name:
        return form_class(request.POST, organizations=organizations)
    return form_class(organizations=organizations)


@login_required
def inspector_detail(request, pk):
    own = Inspector.objects.filter(pk=pk, user=request.user).first()
    inspector = own or get_object_or_404(inspectors_for(user=request.user), pk=pk)
    can_change = inspector.authority_id in access.authorities_for(request.user, "change", Inspector)
    orgs = Organization.objects.filter(authority_id=inspector.authority_id).order_by("code")
    profile = InspectorForm(
        request.POST if request.POST.get("form") == "profile" else None, instance=Inspector.objects.get(pk=pk)
    )
    record = _posted(request, "record", RecordForm, orgs)
    relative = _posted(request, "relative", RelativeForm, orgs)
    declaration = _posted(request, "declaration", DeclarationForm, orgs)
    if request.method == "POST":
        which = request.POST.get("form")
        # An inspector declares their own conflicts; everything else is the office's.
        if not (can_change or (which == "declaration" and own)):
            raise PermissionDenied
        done = _save(request, which, inspector, profile=profile, record=record, relative=relative, d=declaration)
        if done:
            messages.success(request, done)
            return redirect("planning:inspector", inspector.pk)
    context = {
        "inspector": inspector,
        "own": own is not None,
        "can_change": can_change,
        "records": inspector.records.select_related("organization"),
        "relatives": inspector.relatives.select_related("organization"),
        "declarations": inspector.declarations.select_related("organization"),
        "memberships": inspector.memberships.select_related("team__round__term"),
        "profile": profile,
        "record": record,
        "relative": relative,
        "declaration": declaration,
    }
    return render(request, "planning/inspector.html", context)


def _save(request, which, inspector, *, profile, record, relative, d) -> str | None:
    """Save the posted form through its service; the success message, or None with the errors on the form."""
    actor = request.user
    form = {"profile": profile, "record": record, "relative": relative, "declaration": d}.get(which)
    if form is None or not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if which == "profile":
            inspector_update(actor=actor, inspector=inspector, **data)
            return "基本信息已保存。"
        if which == "record":
            inspector_record_add(actor=actor, inspector=inspector, **data)
            return "已添加经历。"
        if which == "relative":
            inspector_relative_add(actor=actor, inspector=inspector, **data)
            return "已添加亲属。"
        inspector_declaration_add(actor=actor, inspector=inspector, **data)
        return f"已申报对{data['organization'].name}回避，组建巡察组时将据此提示。"
    except ValidationError as e:
        apply_service_errors(form, e)
        return None
