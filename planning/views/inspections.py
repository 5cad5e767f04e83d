from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access, menu
from core.forms import error_text, post_form
from core.http import document_download
from core.paging import paginate
from core.pdf import pdf_require
from planning.coverage import term_coverage
from planning.documents import (
    DOCUMENTS,
    document_settings_for,
    document_settings_update,
    inspection_document,
    public_report_url,
)
from planning.forms.inspections import DeadlineSettingsForm, DocumentSettingsForm, InspectionForm, RoundForm
from planning.inspections import inspection_create, inspections_for, round_create, rounds_for, teams_for, terms_for
from planning.models import DeadlineSettings, DocumentSettings, Inspection, Round, Term
from planning.stages import (
    ORDER,
    deadline_settings_for,
    deadline_settings_update,
    deadlines,
    early_entry_warning,
    inspection_advance,
    may_advance,
    next_stage,
)
from registry.organizations import organizations_for


@login_required
def term_list(request):
    access.require_page(request.user, "view", Term)
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
            "rounds": term.rounds.order_by("number"),
            "round_form": RoundForm(),
            "can_plan": term.authority_id in access.authorities_for(request.user, "change", Round),
        },
    )


@login_required
def inspection_detail(request, pk):
    inspection = get_object_or_404(inspections_for(user=request.user), pk=pk)
    today = timezone.localdate()
    if request.method == "POST":
        early = early_entry_warning(inspection, today)
        try:
            inspection_advance(actor=request.user, inspection=inspection, to_stage=request.POST.get("to_stage", ""))
        except ValidationError as e:
            messages.error(request, error_text(e))
        else:
            messages.success(request, f"已推进到“{inspection.get_stage_display()}”阶段。")
            if early and inspection.stage == Inspection.Stage.ONSITE:
                messages.warning(request, early)
        return redirect("planning:inspection", inspection.pk)
    changes = list(inspection.stage_changes.select_related("actor"))
    items = deadlines(inspection, deadline_settings_for(inspection.authority_id), changes)
    for d in items:
        d.state = d.urgency(today)
    nxt = next_stage(inspection)
    current = ORDER.index(inspection.stage)
    numbers = {n.kind: n.text for n in inspection.document_numbers.all()}
    context = {
        "inspection": inspection,
        "changes": changes,
        "deadlines": items,
        "stages": [(Inspection.Stage(s).label, i <= current) for i, s in enumerate(ORDER)],
        "next": Inspection.Stage(nxt) if nxt else None,
        "may_advance": may_advance(request.user, inspection),
        "early_entry": early_entry_warning(inspection, today) if nxt == Inspection.Stage.ONSITE else None,
        "documents": [
            {"kind": kind, "label": spec.label, "numbered": spec.numbered, "number": numbers.get(kind)}
            for kind, spec in DOCUMENTS.items()
        ],
        "public_url": public_report_url(inspection),
        "links": menu.inspection_links(request.user, inspection),
        # The breadcrumbs link a round's page and its term's coverage only for those who open
        # them; a team member comes up through the on-site desk instead.
        "round_open": rounds_for(user=request.user).filter(pk=inspection.round_id).exists(),
    }
    return render(request, "planning/inspection.html", context)


@login_required
@require_POST
def round_create_view(request, pk):
    term = get_object_or_404(terms_for(user=request.user), pk=pk)
    access.check_authority(request.user, "change", Round, term.authority)
    form = RoundForm(request.POST)
    sent = post_form(
        request,
        form,
        lambda d: round_create(actor=request.user, term=term, **d),
        back=lambda rnd: reverse("planning:round", args=[rnd.pk]),
        done=lambda rnd: f"已新增第{rnd.number}轮。",
    )
    if sent:
        return sent
    # The form is on the coverage page: its errors come back as one page message.
    messages.error(
        request,
        "；".join(
            f"{form.fields[f].label}：{m}" if f in form.fields else m for f, ms in form.errors.items() for m in ms
        ),
    )
    return redirect("planning:coverage", term.pk)


@login_required
def round_detail(request, pk):
    rnd = get_object_or_404(rounds_for(user=request.user), pk=pk)
    can_change = rnd.authority_id in access.authorities_for(request.user, "change", Inspection)
    orgs = organizations_for(user=request.user).filter(authority_id=rnd.authority_id, status="active")
    earlier = (
        inspections_for(user=request.user)
        .filter(authority_id=rnd.authority_id)
        .exclude(round=rnd)
        .select_related("organization", "round__term")
        .order_by("organization__name", "round__term__start_on", "round__number")
    )
    form = InspectionForm(request.POST or None, organizations=orgs, earlier=earlier, round=rnd)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied

        def act(d):
            return inspection_create(
                actor=request.user,
                round=rnd,
                organization=d["organization"],
                kind=d["kind"],
                repeat_reason=d["repeat_reason"],
                theme=d["theme"],
                revisits=d["revisits"],
            )

        def done(inspection):
            return f"已将“{inspection.organization.name}”列入第{rnd.number}轮。"

        if sent := post_form(request, form, act, back=reverse("planning:round", args=[rnd.pk]), done=done):
            return sent
    inspections = inspections_for(user=request.user, round=rnd).select_related("team")
    teams = teams_for(user=request.user).filter(round=rnd)
    return render(
        request,
        "planning/round.html",
        {"round": rnd, "inspections": inspections, "teams": teams, "form": form, "can_change": can_change},
    )


@login_required
def document_settings_view(request):
    access.require_page(request.user, "view", DocumentSettings)
    if request.user.authority is None:
        raise Http404
    authority = request.user.authority
    can_change = authority.pk in access.authorities_for(request.user, "change", DocumentSettings)
    form = DocumentSettingsForm(request.POST or None, instance=document_settings_for(authority))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        sent = post_form(
            request,
            form,
            lambda d: document_settings_update(actor=request.user, authority=authority, **d),
            back="planning:document_settings",
            done="文书设置已保存，此后生成的文书按新设置书写。",
        )
        if sent:
            return sent
    context = {
        "form": form,
        "can_change": can_change,
        "title": "文书设置",
        "subtitle": "文书中的县（市、区）名称和各机关代字的发文字号格式；巡察办、领导小组、各巡察组和函"
        "各有一本登记簿，按年度顺序编号，已编的号不变",
    }
    return render(request, "planning/settings.html", context)


@login_required
def inspection_document_view(request, pk, kind, pdf=False):
    """The document as .docx, or (``pdf``) as the same document converted to PDF."""
    if pdf:
        pdf_require()
    inspection = get_object_or_404(inspections_for(user=request.user), pk=pk)
    try:
        name, data = inspection_document(actor=request.user, inspection=inspection, kind=kind)
        return document_download(name, data, pdf=pdf)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("planning:inspection", inspection.pk)


@login_required
def deadline_settings_view(request):
    access.require_page(request.user, "view", DeadlineSettings)
    if request.user.authority is None:
        raise Http404
    authority = request.user.authority
    can_change = authority.pk in access.authorities_for(request.user, "change", DeadlineSettings)
    form = DeadlineSettingsForm(request.POST or None, instance=deadline_settings_for(authority.pk))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        sent = post_form(
            request,
            form,
            lambda d: deadline_settings_update(actor=request.user, authority=authority, **d),
            back="planning:settings",
            done="时限设置已保存，各项期限将按新设置计算。",
        )
        if sent:
            return sent
    context = {
        "form": form,
        "can_change": can_change,
        "title": "时限设置",
        "subtitle": "各地规定不同，按本地规定调整；修改后各项期限立即按新设置计算",
    }
    return render(request, "planning/settings.html", context)
