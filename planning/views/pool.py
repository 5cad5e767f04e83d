"""The inspector pool in pages: the office keeps people and their history; an inspector
reads their own entry and declares conflicts."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core import access
from core.forms import post_form
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
    access.require_page(request.user, "view", Inspector)
    qs = inspectors_for(user=request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(unit__contains=q)
    can_change = bool(access.authorities_for(request.user, "change", Inspector))
    return render(request, "planning/pool.html", {"page": paginate(request, qs), "q": q, "can_change": can_change})


@login_required
def inspector_create_view(request):
    authority = request.user.authority
    if not access.authorities_for(request.user, "change", Inspector):
        raise access.PageRefused(access.page_roles("change", Inspector, authority_wide=True))
    if authority is None or authority.pk not in access.authorities_for(request.user, "change", Inspector):
        raise Http404
    form = InspectorForm(request.POST or None, organizations=_organizations(authority.pk))
    if request.method == "POST":
        sent = post_form(
            request,
            form,
            lambda d: inspector_create(actor=request.user, authority=authority, **d),
            back=lambda inspector: reverse("planning:inspector", args=[inspector.pk]),
            done=lambda inspector: f"已将{inspector.name}加入人才库，请补充工作经历、亲属和回避事项。",
        )
        if sent:
            return sent
    return render(request, "planning/inspector_new.html", {"form": form})


@login_required
def my_entry(request):
    inspector = Inspector.objects.filter(user=request.user).first()
    if inspector is None:
        raise Http404
    return redirect("planning:inspector", inspector.pk)


def _organizations(authority_id):
    """The authority's registry, for the unit and history choices (the office's own registry)."""
    return Organization.objects.filter(authority_id=authority_id).order_by("code")


def _posted(request, name, form_class, organizations):
    if request.method == "POST" and request.POST.get("form") == name:
        return form_class(request.POST, organizations=organizations)
    return form_class(organizations=organizations)


@login_required
def inspector_detail(request, pk):
    own = Inspector.objects.filter(pk=pk, user=request.user).first()
    inspector = own or get_object_or_404(inspectors_for(user=request.user), pk=pk)
    can_change = inspector.authority_id in access.authorities_for(request.user, "change", Inspector)
    orgs = _organizations(inspector.authority_id)
    profile = InspectorForm(
        request.POST if request.POST.get("form") == "profile" else None,
        instance=Inspector.objects.get(pk=pk),
        organizations=orgs,
    )
    record = _posted(request, "record", RecordForm, orgs)
    relative = _posted(request, "relative", RelativeForm, orgs)
    declaration = _posted(request, "declaration", DeclarationForm, orgs)
    if request.method == "POST":
        which = request.POST.get("form")
        # An inspector declares their own conflicts; everything else is the office's.
        if not (can_change or (which == "declaration" and own)):
            raise PermissionDenied
        posted = _posted_form(
            request, which, inspector, profile=profile, record=record, relative=relative, d=declaration
        )
        if posted is not None:
            form, act, done = posted
            sent = post_form(request, form, act, back=reverse("planning:inspector", args=[inspector.pk]), done=done)
            if sent:
                return sent
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


def _posted_form(request, which, inspector, *, profile, record, relative, d):
    """The posted form, its service call and its success message (for ``post_form``), or None."""
    actor = request.user
    if which == "profile":
        return profile, lambda data: inspector_update(actor=actor, inspector=inspector, **data), "基本信息已保存。"
    if which == "record":
        return record, lambda data: inspector_record_add(actor=actor, inspector=inspector, **data), "已添加经历。"
    if which == "relative":
        return relative, lambda data: inspector_relative_add(actor=actor, inspector=inspector, **data), "已添加亲属。"
    if which == "declaration":

        def done(declaration):
            return f"已申报对{declaration.organization.name}回避，组建巡察组时将据此提示。"

        return d, lambda data: inspector_declaration_add(actor=actor, inspector=inspector, **data), done
    return None
