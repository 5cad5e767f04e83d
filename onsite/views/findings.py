"""Pages of working papers, findings, the immediate notice and the focus-area taxonomy.

Thin: each page finds its record through a selector (404 out of sight), calls a service
of ``onsite.papers``, ``onsite.notices`` or ``onsite.focus``, and shows the service's
Chinese messages next to the fields or as a page message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import access
from core.forms import error_text, is_id, post_form
from core.http import document_download
from core.paging import paginate
from core.pdf import pdf_require
from onsite.focus import (
    focus_area_add,
    focus_area_for_change,
    focus_area_move,
    focus_area_remove,
    focus_area_rename,
    focus_current,
    focus_draft,
    focus_flat,
    focus_leaf_choices,
    focus_taxonomies_for,
    focus_taxonomy_draft,
    focus_taxonomy_publish,
    focus_versions,
)
from onsite.forms.findings import FindingForm, FocusAreaForm, ReturnForm, WorkingPaperForm
from onsite.models import Finding, FocusArea, FocusTaxonomy, WorkingPaper
from onsite.notices import immediate_notice
from onsite.papers import (
    EDITABLE,
    evidence_choices,
    findings_for,
    may_edit,
    may_review,
    may_write,
    paper_focus_area,
    triage_focus_area,
    with_evidence_count,
    working_paper_approve,
    working_paper_create,
    working_paper_return,
    working_paper_submit,
    working_paper_update,
    working_papers_for,
)
from planning.inspections import inspections_for

SERVICE_FIELDS = {"file": "upload", "evidence": None, "status": None, "reviewer": None, "inspection": None}
# A review refused about the paper itself (already decided, or not this user's to review): a page message.
REVIEW_ERRORS = ("status", "reviewer")


def _paper_url(paper: WorkingPaper) -> str:
    return reverse("onsite:working_paper", args=[paper.pk])


def _inspection(request, pk):
    return get_object_or_404(inspections_for(user=request.user).select_related("team"), pk=pk)


def _paper(request, pk) -> WorkingPaper:
    return get_object_or_404(working_papers_for(user=request.user).select_related("inspection__team"), pk=pk)


def _finding_of(paper: WorkingPaper) -> Finding | None:
    try:
        return paper.finding
    except ObjectDoesNotExist:
        return None


# Working papers ------------------------------------------------------------------------


@login_required
def working_paper_list(request, pk):
    inspection = _inspection(request, pk)
    papers = working_papers_for(user=request.user, inspection=inspection)
    counts = dict(papers.order_by().values_list("status").annotate(n=Count("id")))
    status = request.GET.get("status", "")
    qs = with_evidence_count(papers)
    if status in WorkingPaper.Status.values:
        qs = qs.filter(status=status)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(title__icontains=search)
    statuses = [(value, label, counts.get(value, 0)) for value, label in WorkingPaper.Status.choices]
    context = {
        "inspection": inspection,
        "page": paginate(request, qs),
        "statuses": statuses,
        "status": status,
        "search": search,
        "total": sum(counts.values()),
        "may_write": may_write(request.user, inspection),
    }
    return render(request, "onsite/paper_list.html", context)


def _uploads(form) -> list:
    upload = form.cleaned_data.get("upload")
    return [upload] if upload else []


def _paper_values(data, form) -> dict:
    """What the paper form gives the create and update services: its fields and the new files."""
    fields = ("title", "facts", "rule", "interviews", "petitions", "document_requests", "attachments")
    return {**{f: data[f] for f in fields}, "uploads": _uploads(form)}


@login_required
def working_paper_create_view(request, pk):
    inspection = _inspection(request, pk)
    if not may_write(request.user, inspection):
        raise PermissionDenied
    initial = {}
    # ?attachment=<id>: a piece of evidence to cite (data comparison's evidence workbook, say),
    # pre-selected if it is one of the inspection's attachments the form offers.
    cited = request.GET.get("attachment", "")
    if request.method == "GET" and is_id(cited):
        offered = evidence_choices(inspection)["attachments"].filter(pk=int(cited))
        initial["attachments"] = list(offered)
    # ?petition=<id>: a paper written on a petition (its page's 据此撰写底稿), which brings the
    # 监督重点 chosen at triage along.
    source = request.GET.get("petition", "")
    carried = None
    if request.method == "GET" and is_id(source):
        petitions = list(evidence_choices(inspection)["petitions"].filter(pk=int(source)))
        initial["petitions"] = petitions
        carried = triage_focus_area(petitions)
    form = WorkingPaperForm(request.POST or None, request.FILES or None, inspection=inspection, initial=initial)
    if request.method == "POST":

        def act(d):
            return working_paper_create(actor=request.user, inspection=inspection, **_paper_values(d, form))

        done = "底稿已保存为草稿。核对证据后点击“提交审核”。"
        if sent := post_form(request, form, act, back=_paper_url, done=done, aliases=SERVICE_FIELDS):
            return sent
    context = {"inspection": inspection, "form": form, "paper": None, "carried_focus": carried}
    return render(request, "onsite/paper_form.html", context)


@login_required
def working_paper_edit_view(request, pk):
    paper = _paper(request, pk)
    if request.user.pk == paper.author_id and paper.status not in EDITABLE:
        messages.error(request, f"该底稿{paper.get_status_display()}，不能修改。")
        return redirect("onsite:working_paper", paper.pk)
    if not may_edit(request.user, paper):
        raise PermissionDenied
    initial = {
        "title": paper.title,
        "facts": paper.facts,
        "rule": paper.rule,
        "interviews": list(paper.interviews.all()),
        "petitions": list(paper.petitions.all()),
        "document_requests": list(paper.document_requests.all()),
        "attachments": list(paper.attachments.all()),
    }
    form = WorkingPaperForm(request.POST or None, request.FILES or None, inspection=paper.inspection, initial=initial)
    if request.method == "POST":

        def act(d):
            return working_paper_update(actor=request.user, paper=paper, **_paper_values(d, form))

        back = _paper_url(paper)
        if sent := post_form(request, form, act, back=back, done="底稿已保存。", aliases=SERVICE_FIELDS):
            return sent
    context = {"inspection": paper.inspection, "form": form, "paper": paper}
    return render(request, "onsite/paper_form.html", context)


def _finding_form(paper: WorkingPaper, data=None) -> FindingForm:
    initial = {"title": paper.title, "description": paper.facts}
    if (carried := paper_focus_area(paper)) is not None:
        initial["focus_area"] = carried.pk  # the 监督重点 chosen when its petitions were triaged
    return FindingForm(data, leaves=focus_leaf_choices(paper.authority_id), initial=initial)


def _detail(request, paper: WorkingPaper, *, finding_form=None, return_form=None, status=200):
    reviewer = may_review(request.user, paper)
    context = {
        "paper": paper,
        "inspection": paper.inspection,
        "interviews": paper.interviews.all(),
        "petitions": paper.petitions.all(),
        "document_requests": paper.document_requests.all(),
        "attachments": paper.attachments.all(),
        "finding": _finding_of(paper),
        "carried_focus": paper_focus_area(paper),
        "may_edit": may_edit(request.user, paper),
        "may_review": reviewer,
        "finding_form": finding_form or (_finding_form(paper) if reviewer else None),
        "return_form": return_form or ReturnForm(),
    }
    return render(request, "onsite/paper_detail.html", context, status=status)


@login_required
def working_paper_detail(request, pk):
    return _detail(request, _paper(request, pk))


@login_required
@require_POST
def working_paper_submit_view(request, pk):
    paper = _paper(request, pk)
    try:
        working_paper_submit(actor=request.user, paper=paper)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, "底稿已提交审核。")
    return redirect("onsite:working_paper", paper.pk)


@login_required
@require_POST
def working_paper_approve_view(request, pk):
    paper = _paper(request, pk)
    form = _finding_form(paper, request.POST)
    if not form.is_valid() and not may_review(request.user, paper):
        raise PermissionDenied

    def act(d):
        return working_paper_approve(
            actor=request.user,
            paper=paper,
            title=d["title"],
            description=d["description"],
            focus_area=d["focus_area"],
            severity=d["severity"],
            people=d["people"],
            amount=d["amount"],
            immediate=d["immediate"],
            immediate_deadline=d["immediate_deadline"],
            comment=d["comment"],
        )

    sent = post_form(
        request,
        form,
        act,
        back=lambda finding: reverse("onsite:finding", args=[finding.pk]),
        done=lambda finding: f"底稿已审核通过，形成问题“{finding.title}”。",
        record_errors=REVIEW_ERRORS,
        error_back=_paper_url(paper),
    )
    return sent or _detail(request, paper, finding_form=form)


@login_required
@require_POST
def working_paper_return_view(request, pk):
    paper = _paper(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid() and not may_review(request.user, paper):
        raise PermissionDenied
    sent = post_form(
        request,
        form,
        lambda d: working_paper_return(actor=request.user, paper=paper, comment=d["comment"]),
        back=_paper_url(paper),
        done="底稿已退回撰写人修改。",
        record_errors=REVIEW_ERRORS,
    )
    return sent or _detail(request, paper, return_form=form)


# Findings ------------------------------------------------------------------------------


def _top(area: FocusArea) -> FocusArea:
    while area.parent_id is not None:
        area = area.parent
    return area


@login_required
def finding_list(request, pk):
    inspection = _inspection(request, pk)
    qs = findings_for(user=request.user, inspection=inspection)
    severity = request.GET.get("severity", "")
    if severity in Finding.Severity.values:
        qs = qs.filter(severity=severity)
    immediate = request.GET.get("immediate") == "1"
    if immediate:
        qs = qs.filter(immediate=True)
    groups: dict[int, tuple[FocusArea, list[Finding]]] = {}
    for finding in qs.order_by("id"):
        top = _top(finding.focus_area)
        groups.setdefault(top.pk, (top, []))[1].append(finding)
    ordered = sorted(groups.values(), key=lambda g: (g[0].taxonomy.version, g[0].order, g[0].code))
    context = {
        "inspection": inspection,
        "groups": ordered,
        "count": sum(len(g[1]) for g in ordered),
        "severities": Finding.Severity.choices,
        "severity": severity,
        "immediate": immediate,
    }
    return render(request, "onsite/finding_list.html", context)


@login_required
def finding_detail(request, pk):
    finding = get_object_or_404(
        findings_for(user=request.user).select_related("created_by", "working_paper__author", "inspection__team"),
        pk=pk,
    )
    trail = []
    node = finding.focus_area
    while node is not None:
        trail.insert(0, node.name)
        node = node.parent
    context = {"finding": finding, "inspection": finding.inspection, "trail": trail}
    return render(request, "onsite/finding_detail.html", context)


@login_required
def finding_notice_view(request, pk, pdf=False):
    """The 立行立改通知书 as .docx, or (``pdf``) as the same document converted to PDF."""
    if pdf:
        pdf_require()
    finding = get_object_or_404(findings_for(user=request.user).select_related("inspection__team"), pk=pk)
    try:
        name, data = immediate_notice(actor=request.user, finding=finding)
        return document_download(name, data, pdf=pdf)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("onsite:finding", finding.pk)


# The focus-area taxonomy ---------------------------------------------------------------


def _focus_office(request):
    """The office's authority, for the taxonomy pages (403 naming the roles that read it)."""
    user = request.user
    access.require_page(user, "view", FocusTaxonomy)
    if user.authority is None:
        raise Http404
    return user.authority


def _focus_url(taxonomy: FocusTaxonomy, area: FocusArea | None = None) -> str:
    url = f"{reverse('onsite:focus_areas')}?version={taxonomy.version}"
    return f"{url}#area-{area.pk}" if area is not None else url


@login_required
def focus_areas(request):
    authority = _focus_office(request)
    user = request.user
    can_change = authority.pk in access.authorities_for(user, "change", FocusTaxonomy)
    versions = list(focus_versions(authority.pk))
    current, draft = focus_current(authority.pk), focus_draft(authority.pk)
    chosen = None
    raw = request.GET.get("version", "")
    if raw:
        chosen = next((v for v in versions if str(v.version) == raw), None)
        if chosen is None:
            raise Http404
    chosen = chosen or (draft if draft and can_change else current) or (versions[0] if versions else None)
    context = {
        "versions": versions,
        "current": current,
        "draft": draft,
        "chosen": chosen,
        "areas": focus_flat(chosen) if chosen else [],
        "can_change": can_change,
        "editable": bool(can_change and chosen and chosen.published_at is None),
        "groups": FocusArea.Group.choices,
        "form": FocusAreaForm(),
    }
    return render(request, "onsite/focus_areas.html", context)


@login_required
@require_POST
def focus_version_create_view(request):
    authority = _focus_office(request)
    try:
        draft = focus_taxonomy_draft(actor=request.user, authority=authority)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("onsite:focus_areas")
    messages.success(request, f"已新建第{draft.version}版草稿（复制自现行版本），修改后点击“发布”生效。")
    return redirect(_focus_url(draft))


def _taxonomy(request, pk) -> FocusTaxonomy:
    _focus_office(request)
    return get_object_or_404(focus_taxonomies_for(user=request.user), pk=pk)


@login_required
@require_POST
def focus_version_publish_view(request, pk):
    taxonomy = _taxonomy(request, pk)
    try:
        focus_taxonomy_publish(actor=request.user, taxonomy=taxonomy)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"第{taxonomy.version}版已发布，今后新形成的问题按此版本归类；已有问题保留原归类。")
    return redirect(_focus_url(taxonomy))


@login_required
@require_POST
def focus_area_create_view(request, pk):
    taxonomy = _taxonomy(request, pk)
    raw = request.POST.get("parent", "")
    parent = None
    if raw:
        if not is_id(raw):
            raise Http404
        parent = get_object_or_404(taxonomy.areas.all(), pk=raw)
    form = FocusAreaForm(request.POST)
    area = None
    if form.is_valid():
        try:
            area = focus_area_add(
                actor=request.user,
                taxonomy=taxonomy,
                parent=parent,
                name=form.cleaned_data["name"],
                group=form.cleaned_data["group"],
            )
        except ValidationError as e:
            messages.error(request, error_text(e))
        else:
            messages.success(request, f"已添加“{area.name}”（{area.code}）。")
    else:
        messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
    return redirect(_focus_url(taxonomy, area or parent))


def _area(request, pk) -> FocusArea:
    _focus_office(request)
    return focus_area_for_change(user=request.user, pk=pk)


@login_required
@require_POST
def focus_area_rename_view(request, pk):
    area = _area(request, pk)
    try:
        focus_area_rename(actor=request.user, area=area, name=request.POST.get("name", ""))
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已改名为“{area.name}”。")
    return redirect(_focus_url(area.taxonomy, area))


@login_required
@require_POST
def focus_area_move_view(request, pk):
    area = _area(request, pk)
    try:
        focus_area_move(actor=request.user, area=area, direction=request.POST.get("direction", ""))
    except ValidationError as e:
        messages.error(request, error_text(e))
    return redirect(_focus_url(area.taxonomy, area))


@login_required
@require_POST
def focus_area_remove_view(request, pk):
    area = _area(request, pk)
    taxonomy, parent = area.taxonomy, area.parent
    try:
        focus_area_remove(actor=request.user, area=area)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect(_focus_url(taxonomy, area))
    messages.success(request, f"已删除“{area.name}”。")
    return redirect(_focus_url(taxonomy, parent))
